"""A tiny movement across two towns for the scope tests: people, an initiative, stories.

Leeds: ``amy`` (member of walk-leeds); York: ``yan`` (also a member of
walk-leeds, an initiative based in Leeds) and ``yve``. One story each from amy
and yve, approved with training consent, and one private story linked to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from groundswell.actions.initiatives import do_create_initiative
from groundswell.actions.stories import do_moderate, do_share_story
from groundswell.app import App
from groundswell.store.models import Initiative, Membership, Person
from groundswell.stories.workflow import Kind

CLEAN = "The midwives listened to us all night and explained every step."


@dataclass
class Movement:
    leeds_story: int
    york_story: int
    nobodys_story: int


def add_scoped_movement(app: App) -> Movement:
    do_create_initiative(app, slug="walk-leeds", name="Walk Leeds", hand="grassroots",
                         power_mode="sharing", town="Leeds")  # fmt: skip
    with app.transaction() as s:
        people = {
            ref: Person(ref=ref, display_name=name, town=town)
            for ref, name, town in (("amy", "Amy Leeds", "Leeds"), ("yan", "Yan York", "York"),
                                    ("yve", "Yve York", "York"))
        }  # fmt: skip
        s.add_all(people.values())
        s.flush()
        walk = s.scalar(select(Initiative.id).where(Initiative.slug == "walk-leeds"))
        s.add_all(Membership(initiative_id=walk, person_id=people[r].id) for r in ("amy", "yan"))
        ids = {ref: p.id for ref, p in people.items()}
    stories = []
    for title, person in (("Leeds ward", ids["amy"]), ("York ward", ids["yve"]), ("Mine", None)):
        shared = do_share_story(app, title=title, body=CLEAN, person_id=person,
                                consent="training" if person else "private")  # fmt: skip
        if person is not None:
            do_moderate(app, shared.story_id, Kind.APPROVE, actor="mod")
        stories.append(shared.story_id)
    return Movement(*stories)
