"""Demo data and model recipes (shipped in the wheel as ``wit_tui.sample_models``)."""
