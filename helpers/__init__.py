"""techreg-notebooks helpers: load, segment and analyse news coverage of China's tech regulation.

Data flows one way: files -> articles -> segments -> mentions and dates -> events -> views.
"""
from .corpus import Corpus, CorpusError, load_articles, load_corpus
from .export import export_tables

__version__ = "0.1.0"
__all__ = ["Corpus", "CorpusError", "load_articles", "load_corpus", "export_tables", "__version__"]
