"""Developer tools run from ``backend/``, never installed with the ``costwatch`` package.

``python -m tools.bench.run`` (the benchmark, through ``./bench.sh``),
``python -m tools.bench.generate`` (the bulk data generator) and ``python -m tools.replicas``
(two replicas behind nginx, through ``scripts/test-replicas.sh``).
"""
