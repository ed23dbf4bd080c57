"""The three views of the app; each is a thin view over engine calls."""
