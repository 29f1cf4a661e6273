"""The loss tables' CSV controls: a Download CSV button, and an upload that replaces the rows.

The Streamlit side of :mod:`ui.files.tables`. A newly chosen file is read once, in the file
chooser's ``on_change`` callback (before the script runs): later reruns, and the student's
edits after the upload, never read it again. Choosing a file again, even the same one,
is a new upload and replaces the rows again. A file that cannot be used changes nothing;
its message stays under the chooser until another file is chosen or it is removed.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.files.tables import TableFile, UploadError
from ui.text.quoting import quote_typed

Read = Callable[..., TableFile]  # read(data, file_name=...) -> TableFile or UploadError
Load = Callable[[TableFile], str]  # puts the rows in the table; returns the note to show


def _note_key(key: str) -> str:
    return f"{key}_note"


def _error_key(key: str) -> str:
    return f"{key}_error"


def forget(key: str) -> None:
    """Drop the note or error of the upload ``key`` (the table was reset)."""
    st.session_state.pop(_note_key(key), None)
    st.session_state.pop(_error_key(key), None)


def _chosen(key: str, read: Read, load: Load) -> None:
    """A file was chosen (or removed): read it once; load it if it can be used."""
    forget(key)
    file = st.session_state.get(key)
    if file is None:
        return
    try:
        loaded = read(file.getvalue(), file_name=file.name)
    except UploadError as err:
        st.session_state[_error_key(key)] = (file.name, str(err))
        return
    st.session_state[_note_key(key)] = load(loaded)


def download_csv(
    make: Callable[[], bytes], *, file_name: str, key: str, where: DeltaGenerator | None = None
) -> None:
    """A "Download CSV" button for the bytes ``make()`` returns when it is clicked.

    The file is made only on a click (Streamlit calls ``make`` then, off the script), not on
    every edit of the table; clicking does not rerun the page. Bind the table's values now,
    e.g. ``functools.partial(binary_csv, edited, "p", loss)``.
    """
    (where or st).download_button(
        "Download CSV",
        data=make,
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
        help=f"`{file_name}`: the table exactly as typed, and each row's loss (blank for a row "
        "left out). Opens in a spreadsheet; uploads back as it is.",
    )


def upload_csv(
    *, key: str, read: Read, load: Load, help: str, example: str, what: str = "this table"
) -> None:
    """An expander holding a file chooser for ``key``; under it, what the last file did.

    ``help`` is the format in full (the chooser's tooltip); ``example`` its header line.
    """
    with st.expander(f"Upload a CSV into {what}", icon=":material/upload_file:"):
        st.file_uploader(
            "CSV file (replaces the table's rows)",
            type=["csv", "txt"],
            key=key,
            on_change=_chosen,
            args=(key, read, load),
            max_upload_size=1,  # MB; the reader refuses more than MAX_BYTES itself
            help=help,
        )
        st.caption(
            f"A header line such as {example}, then one table row per line, as in a "
            "downloaded file. More under the ? above."
        )
    if st.session_state.get(key) is None:  # no file in the chooser (or back from another page)
        return
    if error := st.session_state.get(_error_key(key)):
        name, message = error
        st.error(
            f"**{quote_typed(name, 40)}** cannot be used; the table is unchanged. {message}",
            icon=":material/error:",
        )
    elif note := st.session_state.get(_note_key(key)):
        st.caption(note)
