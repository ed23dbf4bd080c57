"""The datapoint editor's notes in the help screen (?)."""

HELP_NOTES = """\
Editing: e (or enter) edits the highlighted feature — numbers are typed, categories picked from the values seen \
in the data; +/- step a number by a size close to a tenth of its std (whole numbers by ≥ 1) or move to the \
next/previous category. Every edit re-infers the point with every model at once and adds a run to its history (H). \
Edited points are marked * and added ones + in the table; a value outside the data's range is accepted and \
marked ⚠. ctrl+s writes them to CSV (temp file, then rename); every change is also autosaved and offered back \
at the next start on the same files (see the README).
Filter (/): column names, numbers, "text", == != < <= > >=, in [...], not in [...], is missing, and/or/not, \
parentheses; score_<model> and pred_<model> too. A column name with spaces or symbols goes in backticks \
(`my col` > 1; a backtick inside doubled); "my col" in quotes is text. An unknown name is refused with the nearest \
columns. Nothing is evaluated as Python.
Nearest counterfactual (c): the closest other datapoint a model predicts differently (binary: the other class at \
the current threshold; multi-class: another argmax; regression: a prediction at least the gap away, default the \
std of the predictions). Distance, per feature as the What-If Tool: numeric |a−b|/std (sample std over the data), \
categorical 0 if equal else Σp² (the chance two random points share a value), missing on either side 1. \
L1 = Σ terms, L2 = √(Σ terms²). By default the distance counts the models' inputs only (a column no model reads \
cannot make a neighbour "nearest"); F ticks which features count (or start wit-tui with --cf-features), and the \
panel says which it used. The label and ID-like columns never count; ties go to the lowest id.
A key that does not apply to this point or panel (x on a loaded point, r on an unedited feature, L with the \
counterfactual panel closed) says why under the features.
Minimal edits (m): the smallest change to THIS point (one or two features along their grids) that flips the \
prediction, sized with the same L1 distance — a search over the model, not a causal claim.
ICE (p): the prediction as one feature sweeps 20 points between its 1st and 99th percentile (categories: the top \
20); P adds partial dependence averaged over a 1,000-row sample; v orders the features by how much they move it.
Attributions (a): a LIME-style weighted ridge surrogate around the point (seeded), with its local fidelity R².
A panel's result always belongs to the point, its edits and the thresholds shown: when one changes, the open \
panel computes again; escape cancels a computation (the panel then says which key computes it)."""
