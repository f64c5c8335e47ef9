"""Speed, scale and fuzz scripts: run from the repository's top folder as modules.

    python -m benchmarks.bench_scale
    python -m benchmarks.bench_engine
    python -m benchmarks.bench_chokepoints
    python -m benchmarks.fuzz_loader
    python -m benchmarks.synthetic 100000 /tmp/net-100k

Run as modules, they import the installed ``graph`` and ``analysis`` and
their shared network generator as ``benchmarks.synthetic``, with no path set
by hand. They are not part of the test run.
"""
