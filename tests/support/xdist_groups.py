"""`--dist loadgroup` on pytest 9.2: pytest keeps node ids in `Item._id` now, while pytest-xdist
3.8 still appends the `@group` it schedules by to `Item._nodeid`, which is then ignored, so every
`xdist_group` mark is silently dropped. This plugin appends the suffix where pytest reads it."""

from __future__ import annotations

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):  # set on xdist workers only
        return
    for item in items:
        groups = sorted({str(m.args[0]) for m in item.iter_markers("xdist_group") if m.args})
        # Already suffixed (by an xdist that handles this pytest) or nothing to group.
        if not groups or "@" in item.nodeid.rpartition("]")[2] or not hasattr(item, "_id"):
            continue
        from _pytest.nodeid import NodeId

        item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")
