"""A synthetic but realistic Morecambe Bay movement, deterministic for a seed.

``generate(seed, people)`` returns a ``DemoMovement`` of numpy arrays: people
in eight towns with households, workplaces (the Bay's three hospitals, GP
practices, councils, voluntary groups), schools and clubs; a heavy-tailed,
clustered friendship network; a recruitment tree with planted mobilisers,
organisers and lone wolves; initiatives of both hands with members, events,
attendance and pledges; a conversation with latent opinion groups; a mile-a-day
campaign with wellbeing surveys; and a few stories. Pure: numpy only, no store.
"""

from groundswell.demo.generate import DemoMovement, generate

__all__ = ["DemoMovement", "generate"]
