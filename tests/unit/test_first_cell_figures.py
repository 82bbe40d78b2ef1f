"""How the learners' hosts sum up the first cell's output as the kernel sent
it (testing/host_worker.py: printed_lines, output_figures), the figures in
_build/learner-hosts/summary.json."""

from bookbuild.testing.host_worker import output_figures, printed_lines

NOISE = "WARNING: Location 'file:///opt/x/simple/jax/' is ignored: it is neither a file nor a directory."
# [seconds since the cell was sent, text of one stream message]
OUTPUT = [
    [1.5, 'Collecting jax\n  Downloading jax-0.7.0-py3-none-any.whl (2.8 MB)\n'],
    [2.0, f'{NOISE}\n'],
    [12.0, '... pip is still working (12 s so far)\n'],
    # pip's colours, as pip writes them in a kernel.
    [40.0, f'\x1b[33m{NOISE}\x1b[0m\x1b[33m\n\x1b[0mInstalled jax==0.7.0 in 40 s.\n'],
]


def test_the_lines_keep_their_message_and_time_without_colours_or_this_machines_pip_noise():
    assert printed_lines(OUTPUT) == [
        (1.5, 0, 'Collecting jax'),
        (1.5, 0, '  Downloading jax-0.7.0-py3-none-any.whl (2.8 MB)'),
        (12.0, 2, '... pip is still working (12 s so far)'),
        (40.0, 3, 'Installed jax==0.7.0 in 40 s.'),
    ]


def test_the_figures_count_from_when_the_cell_was_sent():
    """A message of noise alone is no message to a learner."""
    assert output_figures(OUTPUT) == {
        'lines': 4,
        'messages': 3,
        'first_line_after': 1.5,
        'largest_gap': 28.0,
    }


def test_a_cell_that_printed_nothing_has_no_first_line():
    assert output_figures([]) == {
        'lines': 0,
        'messages': 0,
        'first_line_after': None,
        'largest_gap': None,
    }
