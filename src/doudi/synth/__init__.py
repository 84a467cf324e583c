"""Deterministic synthetic district (modelled on Wuhan's Wuchang district, 420106).

``generate(out_dir, households=…, seed=…, as_of=…)`` writes the department feeds and the
hidden ground truth; ``build_population`` gives the in-memory model the writers use.
Standard library only: nothing here imports Django.
"""

from doudi.synth.generator import Summary, generate
from doudi.synth.population import Household, Person, Population, build_population

__all__ = ["Household", "Person", "Population", "Summary", "build_population", "generate"]
