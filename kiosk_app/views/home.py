"""The home screen (and a group's second level): branch, language switch, service buttons,
instructions, the safety notice and the phone numbers. Reads ``KioskModel``; no logic."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk_app import texts, theme
from kiosk_app.kiosk_model import KioskModel, Screen
from kiosk_app.menu import Tile
from kiosk_app.theme import Sizes
from kiosk_app.views.widgets import TileButton, action_button, label, style_label
from server.contract.common import Category

TILE_BACKGROUND = {
    Category.PRIORITY: theme.PRIORITY_BG,
    Category.VIP: theme.VIP_BG,
}


class MenuPage(QWidget):
    """HOME shows the top level of the menu, GROUP the items of one group."""

    def __init__(self, model: KioskModel, sizes: Sizes, *, landscape: bool) -> None:
        super().__init__()
        self.model, self.sizes, self.landscape = model, sizes, landscape
        self.setObjectName("menu-page")
        unit = sizes.unit
        # landscape has 1080 px of height for the header, the title and two rows of buttons:
        # tighter margins and spacing, a smaller title, three button columns
        tight = 2 / 3 if landscape else 1.0
        root = QVBoxLayout(self)
        root.setContentsMargins(*(round(unit * 3 * tight),) * 4)
        root.setSpacing(round(unit * 1.5 * tight))

        header = QHBoxLayout()
        names = QVBoxLayout()
        self.branch = label(
            sizes, 5.5 * tight**0.5, bold=True, align=Qt.AlignmentFlag.AlignLeft, name="branch"
        )
        self.branch_sub = label(
            sizes, 3.2, colour=theme.MUTED_TEXT, align=Qt.AlignmentFlag.AlignLeft
        )
        names.addWidget(self.branch)
        names.addWidget(self.branch_sub)
        header.addLayout(names, 1)
        # "I have an appointment": check in with the booking code (typed or scanned); in the
        # header, both languages on two lines, so the service buttons keep their height
        self.appointment = action_button(
            sizes,
            "",
            background=theme.APPOINTMENT_BG,
            colour=theme.ON_ACCENT,
            name="appointment",
            units=3.0,
        )
        self.appointment.clicked.connect(model.checkin.open)
        header.addWidget(self.appointment, 0, Qt.AlignmentFlag.AlignTop)
        self.language = action_button(sizes, "", name="language", units=4.5)
        self.language.clicked.connect(model.toggle_language)
        header.addWidget(self.language, 0, Qt.AlignmentFlag.AlignTop)
        root.addLayout(header)

        self.alert = label(sizes, 4, colour=theme.ON_ALERT, background=theme.ALERT_BG, bold=True)
        self.alert.setObjectName("alert")
        root.addWidget(self.alert)

        # portrait: menu above the notices and phone numbers; landscape: side by side
        body = QHBoxLayout() if landscape else QVBoxLayout()
        body.setSpacing(round(unit * (3 if landscape else 1.5)))
        root.addLayout(body, 1)
        main = QVBoxLayout()
        main.setSpacing(round(unit * 1.5 * tight))
        body.addLayout(main, 3 if landscape else 1)
        self.title = label(sizes, 5 if landscape else 6, bold=True, name="title")
        self.instructions = label(
            sizes, 3.2 if landscape else 3.6, colour=theme.MUTED_TEXT, name="instructions"
        )
        main.addWidget(self.title)
        main.addWidget(self.instructions)

        self.grid = QGridLayout()
        self.grid.setSpacing(round(unit * 2 * tight))
        main.addLayout(self.grid, 1)
        self.tiles: dict[str, TileButton] = {}

        self.back = action_button(sizes, "", name="back", units=5)
        self.back.clicked.connect(model.back)

        self.notices = label(
            sizes, 3.6, colour=theme.NOTICE_TEXT, background=theme.NOTICE_BG, name="notices"
        )
        self.notices.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.contacts = label(sizes, 3.6, align=Qt.AlignmentFlag.AlignLeft, name="contacts")
        side = QVBoxLayout()
        side.setSpacing(round(unit * 2))
        if landscape:  # "back" goes beside the buttons, not under them
            side.addStretch(1)
        else:
            main.addWidget(self.back)
        side.addWidget(self.notices)
        side.addWidget(self.contacts)
        if landscape:
            side.addStretch(1)
            side.addWidget(self.back)
        body.addLayout(side, 1 if landscape else 0)

    def render(self) -> None:
        m = self.model
        in_group = m.screen is Screen.GROUP
        if m.branch is not None:
            self.branch.setText(m.text(m.branch.name))
            self.branch_sub.setText(m.subtext(m.branch.name))
        self.language.setText(texts.SWITCH_TO[m.language])
        alert = m.emergency or (None if m.printer_ready else texts.PRINTER_DOWN_NOTE)
        self.alert.setVisible(alert is not None)
        if alert is not None:
            self.alert.setText(m.text(alert))
            # an emergency in red at 4 units; "printer unavailable" is a notice: the notices'
            # colours and size, one line in either language (at 4 units the English took two
            # lines in portrait, and the service buttons lost the height of a status line)
            colour, background, units = (
                (theme.ON_ALERT, theme.ALERT_BG, 4.0)
                if m.emergency
                else (theme.NOTICE_TEXT, theme.NOTICE_BG, 3.6)
            )
            style_label(
                self.alert, self.sizes, units, colour=colour, background=background, bold=True
            )
        tiles = m.group_tiles() if in_group else m.home_tiles()
        group = m.tile(m.group_key) if in_group and m.group_key else None
        self.title.setText(m.text(group.label) if group else m.text(texts.TITLE))
        self.instructions.setText(
            m.text(texts.SERVICES_IN_GROUP) if group else m.text(texts.INSTRUCTIONS)
        )
        self._show_tiles(tiles)
        self.back.setVisible(in_group)
        self.back.setText(m.text(texts.BACK))
        bookable = m.branch is not None and m.branch.appointments
        self.appointment.setVisible(bookable and not in_group and m.emergency is None)
        self.appointment.setText(
            f"{m.text(texts.CHECKIN_BUTTON_SHORT)}\n{m.subtext(texts.CHECKIN_BUTTON_SHORT)}"
        )

        self._show_footer(in_group)

    def _show_tiles(self, tiles: list[Tile]) -> None:
        keys = [t.key for t in tiles]
        if keys != list(self.tiles):
            for button in self.tiles.values():
                self.grid.removeWidget(button)
                button.hide()
                button.setParent(None)
                button.deleteLater()
            self.tiles = {}
            columns = self._columns(len(tiles))
            for i, tile in enumerate(tiles):
                button = TileButton(self.sizes, tile.key)
                button.chosen.connect(self.model.choose)
                self.grid.addWidget(button, i // columns, i % columns)
                self.tiles[tile.key] = button
        for tile in tiles:
            self._show_tile(self.tiles[tile.key], tile)

    def _columns(self, count: int) -> int:
        if self.landscape:
            return 2 if count <= 4 else 3
        return 1 if count <= 3 else 2

    def _show_tile(self, button: TileButton, tile: Tile) -> None:
        m = self.model
        if not tile.enabled and tile.reason is not None:
            status = m.text(tile.reason)
        elif tile.waiting is None or (tile.has_children and tile.category is not Category.NORMAL):
            # a priority group's people waiting are mostly not ahead of them: say who it is for
            status = m.text(texts.PRIORITY_WHO) if tile.category is Category.PRIORITY else ""
        elif tile.wait_s is None:
            status = m.text(texts.waiting(tile.waiting))
        else:
            status = f"{m.text(texts.waiting(tile.waiting))}\n{m.text(texts.wait(tile.wait_s))}"
        button.show_tile(
            m.text(tile.label),
            m.subtext(tile.label),
            status,
            enabled=tile.enabled,
            background=TILE_BACKGROUND.get(tile.category, theme.ACCENT),
        )

    def _show_footer(self, in_group: bool) -> None:
        m = self.model
        branch = m.branch
        notice = m.current_notice()
        self.notices.setText(m.text(notice) if notice else "")
        self.notices.setVisible(notice is not None and not in_group)
        contacts = branch.contacts if branch else []
        lines = [f"{m.text(c.label)}  {c.phone}" for c in contacts]
        self.contacts.setText("\n".join([m.text(texts.CONTACTS_TITLE), *lines]) if lines else "")
        self.contacts.setVisible(bool(lines))
