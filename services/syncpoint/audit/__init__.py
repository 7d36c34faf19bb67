"""The audit log: who changed what, when, and which refused actions were attempted."""
