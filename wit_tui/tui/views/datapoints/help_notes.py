"""The datapoint editor's notes in the help screen (?)."""

HELP_NOTES = """\
The table: ←/→ (h/l) move the column cursor one column, shift+←/→ to the first/last; #, the label and each \
model's prediction and score are pinned at the left, so both models' scores stay in view. s / S sort by the \
current column ascending / descending (ctrl+o, "Sort by a column…", picks one from a list); F shows the \
frequency of the current column's values over the rows shown (count, share, each model's accuracy at the \
current thresholds, or mean score), numeric columns with many values in bins; enter on a value keeps its rows. \
% adds every class's probability per model as columns (multi-class). \\ hides or shows the side panel (it \
starts hidden below 100 columns, so the table has the width).
Filters stack: each expression (/), quick filter (f) or value picked in the frequency view joins the others \
(a row is shown when it passes them all) and shows as a chip in the status line, [age >= 30 ×]. backspace \
removes the last one, u picks one to remove, U removes them all (so does / then enter on an empty line).
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
cannot make a neighbour "nearest"); W ticks which features count (or start wit-tui with --cf-features), and the \
panel says which it used. The label and ID-like columns never count; ties go to the lowest id.
A key that does not apply to this point or panel (x on a loaded point, r on an unedited feature, L with the \
counterfactual panel closed) says why in the note line. A panel's own keys (L, w, W, o for the counterfactual, \
P for ICE) are in the footer while it has the focus, and still work on it from the features.
Minimal edits (m): the smallest change to THIS point (one or two features along their grids) that flips the \
prediction, sized with the same L1 distance — a search over the model, not a causal claim. j/k move between \
them, g/G to the first/last, enter applies one; values show to the decimals their column uses.
ICE (p): the prediction as one feature sweeps 20 points between its 1st and 99th percentile (categories: the top \
20); j/k pick the feature, P adds partial dependence averaged over a 1,000-row sample; v orders the features by \
how much they move it.
Attributions (a): a LIME-style weighted ridge surrogate around the point (seeded), with its local fidelity R².
Multi-class: the side panel lists every class's probability for each model (▸ the predicted class); C picks the \
class the ICE curves, the attributions and the counterfactual are about (the counterfactual: the nearest point \
predicted as that class), round to each model's predicted class (any other class for the counterfactual).
A panel's result always belongs to the point, its edits and the thresholds shown: when one changes, the open \
panel computes again; escape cancels a computation (the panel then says which key computes it)."""
