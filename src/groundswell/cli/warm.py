"""``groundswell warm``: compile the kernels at set-up, not at a person's first click."""

from __future__ import annotations

from groundswell.cli.main import app
from groundswell.cli.output import console


@app.command("warm")
def warm() -> None:
    """Compile the kernels once, so the first command or page answers at once."""
    from groundswell.compute.warm import compile_bytecode
    from groundswell.compute.warm import warm as run_steps

    console.print("Compiling the kernels (about a minute the first time on 2 cores)...")
    with console.status("") as status:
        status.update("warming: Python bytecode")
        compile_bytecode()
        seconds = run_steps(lambda step: status.update(f"warming: {step}"))
    console.print(f"Kernels ready ({seconds:.1f} s).")
