"""PyQt6 apps of the branch: the teller's counter terminal (``terminal/``), the lobby wall
display (``lobby/``, its voice in ``branchq_voice``) and the customer's rating pad at a counter
(``rating/``)."""
