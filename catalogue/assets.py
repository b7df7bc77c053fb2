"""Program assets written by a second process while MkDocs builds the pages.

QR codes, .ics calendars, A4 posters, images and lottery downloads are files
MkDocs would only copy, and making them costs a third of a build. The build
pickles the validated programs into JOB and runs

    python -m catalogue.assets JOB FOLDER

which writes them into the empty FOLDER; the build moves them into the site.
"""

import pickle
import sys
from pathlib import Path

from .output import write
from .pages import Pages


def write_assets(settings, lotteries, programs, folder):
    pages = Pages(settings, lotteries)
    files = {}
    for program in programs:
        files.update(pages.asset_files(program))
    return write(folder, files)


def main(job, folder):
    settings, lotteries, programs = pickle.loads(Path(job).read_bytes())
    write_assets(settings, lotteries, programs, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
