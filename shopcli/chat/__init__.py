"""``shop chat``: understanding a turn (``intents.py``), the assistant and its dialogue state, the
handlers of each intent, the replies, and transcripts with their replay (``transcript.py``)."""
