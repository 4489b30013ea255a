"""Which passwords are refused, and why (the answer says which rule a password broke).

A password must have at least ``MIN_PASSWORD_LENGTH`` characters and must not be:
- only spaces, or one character repeated, or made of fewer than ``MIN_DISTINCT`` different
  characters;
- a run of consecutive characters (``12345678``, ``abcdefgh``, ``87654321``) or a row of keys
  (``qwertyui``, ``1qaz2wsx``);
- one of the most common passwords (the shipped list ``COMMON``; also with digits or symbols
  added at the end, ``Password123!``);
- or contain the username.

No list is downloaded: ``COMMON`` is small and ships with the code; the rules catch the
patterns the long public lists are made of.
"""

from __future__ import annotations

import itertools

from server.auth.errors import InvalidCredential

MIN_PASSWORD_LENGTH = 8
MIN_DISTINCT = 5

# The most common passwords of the public breach lists (lower case; English and pinyin).
COMMON: frozenset[str] = frozenset(
    [
        "password",
        "passw0rd",
        "p@ssword",
        "p@ssw0rd",
        "pass",
        "pass123",
        "password1",
        "letmein",
        "welcome",
        "welcome1",
        "admin",
        "administrator",
        "admin123",
        "root",
        "toor",
        "master",
        "manager",
        "login",
        "guest",
        "default",
        "changeme",
        "secret",
        "private",
        "qwerty",
        "qwertyuiop",
        "asdfgh",
        "asdfghjkl",
        "zxcvbnm",
        "iloveyou",
        "loveyou",
        "love",
        "lovely",
        "monkey",
        "dragon",
        "football",
        "baseball",
        "basketball",
        "soccer",
        "hockey",
        "superman",
        "batman",
        "spiderman",
        "princess",
        "sunshine",
        "shadow",
        "michael",
        "jennifer",
        "jordan",
        "hunter",
        "ranger",
        "buster",
        "tigger",
        "charlie",
        "freedom",
        "whatever",
        "trustno1",
        "starwars",
        "computer",
        "internet",
        "samsung",
        "google",
        "apple",
        "mustang",
        "harley",
        "maggie",
        "ginger",
        "pepper",
        "cookie",
        "summer",
        "winter",
        "autumn",
        "spring",
        "flower",
        "hello",
        "hello123",
        "helloworld",
        "abc123",
        "abcd1234",
        "a1b2c3d4",
        "aa123456",
        "qwe123",
        "qweasd",
        "qweasdzxc",
        "1q2w3e4r",
        "1q2w3e4r5t",
        "q1w2e3r4",
        "zaq12wsx",
        "1qaz2wsx",
        "123qwe",
        "123abc",
        "123456a",
        "123456789a",
        "12345678",
        "123456789",
        "1234567890",
        "0123456789",
        "11111111",
        "00000000",
        "88888888",
        "66666666",
        "87654321",
        "11223344",
        "12341234",
        "12121212",
        "11112222",
        "147258369",
        "159357",
        "147852369",
        "5201314",
        "woaini",
        "woaini1314",
        "iloveyou1",
        "aini1314",
        "1314520",
        "520520",
        "caonima",
        "nihao",
        "nihao123",
        "zhangwei",
        "wangwei",
        "liuyang",
        "zhongguo",
        "beijing",
        "shanghai",
        "shenzhen",
        "bank",
        "bank1234",
        "yinhang",
        "branch",
        "branchq",
        "teller",
        "teller123",
        "counter",
        "kiosk",
        "welcome123",
        "password123",
        "admin1234",
        "root1234",
        "test",
        "test123",
        "testing",
        "tester",
        "demo",
        "demo1234",
        "user",
        "user1234",
        "temp",
        "temp1234",
        "newpass",
        "newpassword",
        "mypassword",
        "yourpassword",
        "nopassword",
        "blank",
        "access",
        "access14",
        "killer",
        "pokemon",
        "matrix",
    ]
)

_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)


def password_problem(password: str, *, username: str | None = None) -> tuple[str, str] | None:
    """Why ``password`` is refused, in English and Chinese, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"password has {len(password)} characters; expected at least {MIN_PASSWORD_LENGTH}",
            f"密码只有 {len(password)} 个字符，至少需要 {MIN_PASSWORD_LENGTH} 个",
        )
    if not password.strip():
        return (
            "password is only spaces; expected letters, digits or symbols",
            "密码只有空格，请使用字母、数字或符号",
        )
    distinct = len(set(password))
    if distinct == 1:
        return (
            "password is one character repeated; expected a mix of characters",
            "密码是同一个字符的重复，请混合使用不同字符",
        )
    if distinct < MIN_DISTINCT:
        return (
            f"password uses only {distinct} different characters; expected at least "
            f"{MIN_DISTINCT} (a few words, or letters, digits and symbols mixed)",
            f"密码只用了 {distinct} 种不同字符，至少需要 {MIN_DISTINCT} 种",
        )
    lowered = password.lower()
    if _is_run(lowered):
        return (
            "password is a run of consecutive characters or a row of keys (like 12345678 "
            "or qwertyui); expected something that cannot be guessed from the keyboard",
            "密码是连续字符或键盘上的一排键（如 12345678、qwertyui），很容易被猜到",
        )
    if lowered in COMMON or _base(lowered) in COMMON:
        return (
            "password is one of the most common passwords (or one with digits or symbols "
            "added); these are tried first by anyone guessing: choose another",
            "密码属于最常见的密码（或只是在其后加了数字或符号），会被最先猜到，请换一个",
        )
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in lowered:
        return (
            f"password contains the username {name!r}; expected something unrelated to it",
            f"密码中包含用户名 {name}，请使用与用户名无关的密码",
        )
    return None


def check_password_policy(password: str, *, username: str | None = None) -> None:
    """Raise ``InvalidCredential`` saying why, when ``password`` is refused."""
    problem = password_problem(password, username=username)
    if problem is not None:
        raise InvalidCredential(problem[0], zh=problem[1])


def _is_run(text: str) -> bool:
    compact = text.replace(" ", "")
    for run in _RUNS:
        if compact in run or compact in run[::-1]:
            return True
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(compact)}
    return steps in ({1}, {-1})


def _base(text: str) -> str:
    """``text`` without the digits and symbols added at its end (``password123!`` -> password)."""
    base = text.rstrip("0123456789!@#$%^&*.?_-+= ")
    return base if len(base) >= 4 else text
