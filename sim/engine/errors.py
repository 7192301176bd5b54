"""Errors shared by every simulator engine."""


class ParamError(ValueError):
    """Raised when simulator parameters are invalid; `errors` maps each bad field to a message."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))
