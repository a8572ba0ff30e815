"""Story bank engines: personal-data check, consent workflow and training packs (pure)."""

from groundswell.stories.detect import KINDS, Flag, detect, nhs_number_valid

__all__ = ["KINDS", "Flag", "detect", "nhs_number_valid"]
