"""Write a file so that a failure never leaves it half-written (temporary file, then rename)."""

import os
import tempfile


def write_atomically(path, write):
    """Call write(text_stream) on a temporary file beside `path`, then rename it to `path`."""
    out_dir = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp.", suffix="." + os.path.basename(path), dir=out_dir)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            write(out)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
