"""The voice package's errors.

Tree::

    VoiceError                  base of everything raised by branchq_voice
     +-- VoicePackError         a pack that cannot be used: no manifest, a bad manifest,
     |                          missing clips, clips in another format (all listed at once)
     +-- AudioOutputError       an audio output URL that cannot be opened (unknown scheme,
                                no sound device, a WAV file in another format)
"""

from __future__ import annotations


class VoiceError(Exception):
    """Base of every error raised by branchq_voice."""


class VoicePackError(VoiceError):
    """The voice pack cannot speak every call; the message names the pack and each problem."""


class AudioOutputError(VoiceError):
    """An audio output that cannot be opened or written."""
