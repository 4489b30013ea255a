"""PyQt6 apps of the branch: the teller's counter terminal (``terminal/``) and the lobby wall
display (``lobby/``, its voice in ``branchq_voice``)."""
