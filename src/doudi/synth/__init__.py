"""Deterministic synthetic district (modelled on Wuhan's Wuchang district, 420106).

``generate(out_dir, households=…, seed=…, as_of=…)`` writes every department feed of the
catalogue (``doudi.engine.catalogue``) in its department's native shape, with realistic
noise, and the hidden ground truth; ``build_population`` gives the in-memory model the
writers use. Nothing here imports Django (XlsxWriter and pyarrow write XLSX and Parquet).
"""

from doudi.synth.generator import Summary, generate
from doudi.synth.population import Household, Person, Population, build_population

__all__ = ["Household", "Person", "Population", "Summary", "build_population", "generate"]
