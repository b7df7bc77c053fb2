"""Irreversible staff actions (cancel, move, draw) ask once more before they happen.

The first POST answers with a page that says what will happen and repeats
the form with `confirmed=yes`; only that second POST acts. It needs no
script, so it works on any phone and under the console's strict policy.
"""

from flask import render_template, request


def unless_confirmed(question, consequence, back):
    """None when this POST is the confirmed one; otherwise the page that asks."""
    if request.form.get("confirmed") == "yes":
        return None
    repeated = [(name, value) for name, value in request.form.items(multi=True) if name != "confirmed"]
    return render_template(
        "staff/confirm.html", question=question, consequence=consequence, action=request.path, repeated=repeated, back=back
    )
