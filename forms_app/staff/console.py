"""The console's pages: programs and counts, a session's roster, one person, and
the changes staff make, each through the same storage transaction parents use."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField

from programs import published
from programs.lottery import verify

from .. import lottery, names
from ..admission import Refused
from ..capacity import STATUS_LABELS, STATUSES
from ..db import get_db
from ..storage import Duplicate
from . import access
from .auth import actor
from .confirm import unless_confirmed

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


class ActionForm(FlaskForm):
    pass


class MoveForm(FlaskForm):
    session = SelectField("转到班次")


class SearchForm(FlaskForm):
    q = SearchField("搜索")


# The masked phone shows the last four digits; a search may use those or the whole number,
# never other fragments, which would spell the masked middle out one guess at a time.
PHONE_TAIL = 4
PHONE_FULL = 11


@bp.route("/")
def dashboard():
    counts = get_db().status_counts()
    lots = {(lot.program, lot.session): lot for lot in get_db().lotteries()}
    failures = access.failed_messages(limit=20)
    return render_template(
        "staff/dashboard.html",
        programs=access.programs(),
        problems=access.problems(),
        counts=counts,
        lots=lots,
        statuses=STATUSES,
        form=ActionForm(),
        failures=failures,
    )


def _matches(enrolment, words):
    digits = "".join(ch for ch in words if ch.isdigit())
    by_phone = (len(digits) == PHONE_TAIL and enrolment.phone.endswith(digits)) or (len(digits) == PHONE_FULL and enrolment.phone == digits)
    return words in enrolment.name or by_phone or words.upper() == enrolment.code


@bp.route("/sessions/<program_id>/<session_id>", methods=["GET", "POST"])
def roster(program_id, session_id):
    """Searching is a POST, logged as `searched`: a search can tell what a masked phone hides,
    so it leaves a trace like opening the person does, and never sits in a URL or a log of GETs."""
    program, session = access.session_or_404(program_id, session_id)
    people = get_db().roster(program.id, session.id)
    search = SearchForm()
    words = ""
    if request.method == "POST":
        if not search.validate_on_submit():
            abort(400)
        words = (search.q.data or "").strip()
    shown = [e for e in people if _matches(e, words)] if words else people
    if words:
        get_db().log(program.id, session.id, None, "searched", actor(), {"q": words, "found": len(shown)})
    tally = {status: sum(1 for e in people if e.status == status) for status in STATUSES}
    return render_template(
        "staff/roster.html",
        program=program,
        session=session,
        people=shown,
        words=words,
        tally=tally,
        **_draw(program, session, shown),
        twins=names.likely_duplicates(people),
        form=ActionForm(),
        search=search,
        messages=get_db().messages(program.id, session.id),
    )


def _draw(program, session, shown):
    """The session's lottery (None for first come), the draw ticket of each person shown, and, once
    drawn, the published record recomputed as anyone checking it would (programs.lottery.verify):
    [] is 验证通过, so staff see the check without a command line."""
    lot = lottery.find(program.id, session.id)
    checked = verify(published.public_record(lot)) if lot is not None and lot.publication else None
    return {"lot": lot, "tickets": lottery.tickets(lot, shown), "verified": checked}


@bp.route("/sessions/<program_id>/<session_id>/people/<int:enrolment_id>")
def person(program_id, session_id, enrolment_id):
    program, session = access.session_or_404(program_id, session_id)
    enrolment = access.roster_entry_or_404(program, session, enrolment_id)
    get_db().log(program.id, session.id, enrolment.id, "viewed", actor(), {})
    return render_template(
        "staff/person.html",
        program=program,
        session=session,
        enrolment=enrolment,
        events=get_db().audit(program.id, session.id, enrolment.id),
        form=ActionForm(),
        move=_move_form(program, session),
        messages=get_db().messages(program.id, session.id, enrolment.id).get(enrolment.id, []),
    )


def _action_form(_program, _session):
    return ActionForm()


def _move_form(program, session):
    form = MoveForm()
    form.session.choices = [(s.id, s.name) for s in program.sessions if s.id != session.id]
    return form


def _person_url(program, session, enrolment_id):
    return url_for("staff.person", program_id=program.id, session_id=session.id, enrolment_id=enrolment_id)


def _back(program, session, enrolment_id):
    return redirect(_person_url(program, session, enrolment_id), 303)


def _acted_on(program_id, session_id, enrolment_id, make_form):
    """(program, session, enrolment, form) for a change, after access and CSRF checks."""
    program, session = access.session_or_404(program_id, session_id)
    enrolment = access.roster_entry_or_404(program, session, enrolment_id)
    form = make_form(program, session)
    if not form.validate_on_submit():
        abort(400)
    return program, session, enrolment, form


@bp.post("/sessions/<program_id>/<session_id>/people/<int:enrolment_id>/cancel")
def cancel(program_id, session_id, enrolment_id):
    program, session, enrolment, _form = _acted_on(program_id, session_id, enrolment_id, _action_form)
    asked = unless_confirmed(
        f"确定取消 {enrolment.name} 的报名吗？",
        "取消后不能恢复；空出的名额会按顺序给候补的第一位。",
        _person_url(program, session, enrolment.id),
    )
    if asked:
        return asked
    _cancelled, promoted = get_db().cancel(enrolment.reference, actor(), notify=True)
    flash(f"已取消 {enrolment.name} 的报名。" + (f"候补补上 {len(promoted)} 人。" if promoted else ""))
    return _back(program, session, enrolment.id)


@bp.post("/sessions/<program_id>/<session_id>/people/<int:enrolment_id>/promote")
def promote(program_id, session_id, enrolment_id):
    program, session, enrolment, _form = _acted_on(program_id, session_id, enrolment_id, _action_form)
    if enrolment.status != "waitlisted":
        flash("只有候补中的报名可以补上。")
        return _back(program, session, enrolment.id)
    after = get_db().promote(enrolment.reference, actor())
    if after.status == "confirmed":
        flash(f"{enrolment.name} 已补上，报名成功。")
    else:
        flash(f"名额已满，{enrolment.name} 已提到候补第 1 位，有人取消时第一个补上。")
    return _back(program, session, enrolment.id)


@bp.post("/sessions/<program_id>/<session_id>/people/<int:enrolment_id>/move")
def move(program_id, session_id, enrolment_id):
    program, session, enrolment, form = _acted_on(program_id, session_id, enrolment_id, _move_form)
    if enrolment.status == "cancelled":
        flash("已取消的报名不能转班。")
        return _back(program, session, enrolment.id)
    target = program.session(form.session.data)
    asked = unless_confirmed(
        f"确定把 {enrolment.name} 转到{target.name}吗？",
        f"在{target.name}按名额和候补顺序办理，与新报名相同；{session.name}空出的名额会给候补的第一位。",
        _person_url(program, session, enrolment.id),
    )
    if asked:
        return asked
    try:
        moved, _promoted = get_db().move(enrolment.reference, target.id, actor())
    except Duplicate:
        flash(f"{enrolment.name} 已经报过{target.name}，不能转过去。")
        return _back(program, session, enrolment.id)
    where = f"候补第 {moved.position} 位" if moved.status == "waitlisted" else STATUS_LABELS[moved.status]
    flash(f"{enrolment.name} 已转到{target.name}：{where}。")
    return _back(program, target, enrolment.id)


@bp.route("/sessions/<program_id>/<session_id>/audit")
def audit(program_id, session_id):
    program, session = access.session_or_404(program_id, session_id)
    names = {e.id: e.name for e in get_db().roster(program.id, session.id)}
    return render_template("staff/audit.html", program=program, session=session, events=get_db().audit(program.id, session.id), names=names)


@bp.post("/sessions/<program_id>/<session_id>/draw")
def draw(program_id, session_id):
    program, session = access.session_or_404(program_id, session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    asked = unless_confirmed(
        f"确定现在为{session.name}摇号吗？",
        "摇号结果立即生效并公示：中签的报名成功，其余按抽签顺序候补，不能重摇。",
        url_for("staff.roster", program_id=program.id, session_id=session.id),
    )
    if asked:
        return asked
    try:
        record, fresh, settled = lottery.draw(program, session, actor())
    except Refused as refused:
        flash(refused.message)
    else:
        flash(
            (
                f"摇号完成：中签 {len(record['confirmed'])} 人，候补 {len(record['waitlisted'])} 人。"
                if fresh
                else "这个班次已经摇过号，结果不变。"
            )
            + lottery.settled_message(settled)
        )
    return redirect(url_for("staff.roster", program_id=program.id, session_id=session.id), 303)


@bp.route("/sessions/<program_id>/<session_id>/lottery.json")
def lottery_record(program_id, session_id):
    program, session = access.session_or_404(program_id, session_id)
    lot = lottery.find(program.id, session.id)
    if lot is None:
        abort(404)
    response = jsonify(published.public_record(lot))
    response.headers["Content-Disposition"] = f'attachment; filename="{published.download_name(program.id, session.id)}"'
    return response
