"""The look every modal dialog shares: a bordered box in the middle of the screen."""

DIALOG_CSS = """
PickScreen, FormScreen {
    align: center middle;
}
.dialog {
    width: 90%;
    max-width: 76;
    height: auto;
    max-height: 90%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
.dialog-title {
    text-style: bold;
    margin-bottom: 1;
}
.dialog-keys {
    color: $text-muted;
    margin-top: 1;
}
.dialog-error {
    color: $error;
    height: auto;
}
.dialog OptionList {
    height: auto;
    max-height: 14;
}
.dialog .form-label {
    margin-top: 1;
}
.dialog Input {
    background: $boost;
}
"""
