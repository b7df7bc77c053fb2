"""Live places for the catalogue: what a program page shows beside each session."""

from . import capacity
from .storage import Counts


def state(program, counts, at):
    window = program.registration.state(at)
    if window == "open" and program.registration.mode == "first_come" and counts.confirmed >= counts.capacity:
        return "full"
    return window


def availability(catalogue, counts, at):
    table = {}
    for program in catalogue.published():
        sessions = table.setdefault(program.id, {})
        for session in program.sessions:
            found = counts.get((program.id, session.id), Counts(session.capacity, 0, 0))
            places = sessions[session.id] = {
                "capacity": found.capacity,
                "confirmed": found.confirmed,
                "waitlisted": found.waitlisted,
                "remaining": capacity.remaining(found.capacity, found.confirmed),
                "state": state(program, found, at),
            }
            if program.registration.mode == "lottery":
                # Before the draw nobody holds a place, so "places left" says nothing; how many
                # entered against how many places is what a parent weighs (已报名 N 人 / 名额 M).
                places["entered"] = found.entered + found.confirmed + found.waitlisted
    return table
