"""`--json`: one machine-readable result document on stdout, for scripts and other CI systems."""

from __future__ import annotations

import json
from typing import TextIO

from publisher import events as ev
from publisher.secrets import Redactor


class JsonReporter:
    def __init__(self, stream: TextIO, *, redact: Redactor) -> None:
        self.stream = stream
        self.redact = redact

    def emit(self, event: ev.Event) -> None:
        if isinstance(event, ev.Finished):
            # Each string is redacted (in every escaped form) before serialising; redacting the
            # serialised text instead could break the document (a secret `false`, `null`)
            document = self.redact.scrub(event.report.to_json())
            text = json.dumps(document, indent=2, default=lambda o: self.redact(str(o)))
            # `##[` is the old workflow-command form; as \u005b it reads the same to a parser
            self.stream.write(text.replace("##[", "##\\u005b") + "\n")
            self.stream.flush()

    def close(self) -> None:
        """Nothing is buffered."""
