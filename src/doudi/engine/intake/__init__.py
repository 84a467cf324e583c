"""Department data intake: read, normalise, validate, quarantine, and write the lake."""
