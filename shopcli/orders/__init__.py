"""Orders: drafting and pricing a request, delivery or pickup, placing, stock, status, cancelling and
importing (``lifecycle.py``), and spending over time (``spending.py``). Re-exports nothing: import from
the module that owns a name."""
