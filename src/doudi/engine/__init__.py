"""The analytical engine: plain Python with no Django import.

It reads department feeds into a columnar lake (Parquet), links identities and computes
indicators. The operational side (the Django apps) calls it and imports finished results.
"""
