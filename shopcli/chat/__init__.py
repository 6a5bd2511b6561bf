"""``shop chat``: understanding a turn (``intents.py``), the assistant (``assistant.py``) and its
dialogue state (``state.py``, with the cart of ``cart.py``), the session handlers get
(``session.py``), the table of intent handlers (``handlers.py``) and the topics they come from
(``talk``, ``cart_intents``, ``shopping``, ``questions``, ``answers``, ``checkout``,
``preferences``), the replies (``replies.py``), the terminal (``console.py``), and transcripts
with their replay (``transcript.py``)."""
