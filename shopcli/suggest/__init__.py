"""Complementary suggestions learnt from orders (``engine.py``): statistics kept beside the store,
the model that scores what goes with a basket, and the reason given for each suggestion."""
