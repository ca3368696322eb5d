# Drives a command through a real pseudo-terminal, as a user at a terminal would: argv[1] is a JSON list of steps,
# argv[2:] the command. Steps: {"expect": regex} waits for it in the output after the last match; {"send": text} types;
# {"enterUntil": regex} presses Enter at each new question (the default answer) until the regex shows. Prints the
# output (without colour codes) and exits with the command's exit code. Waiting is bound by output, not by a clock:
# only 300 s with no output at all ends the run (a hung command), with what was seen so far.
import json, os, pty, re, select, sys

steps = json.loads(sys.argv[1])
IDLE = int(os.environ.get('PTY_IDLE_SECONDS', '300'))
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

raw = ''
ANSI = re.compile(r'\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]')

def clean():
    return ANSI.sub('', raw)

def read():
    global raw
    ready, _, _ = select.select([fd], [], [], IDLE)
    if not ready:
        sys.stdout.write(clean())
        sys.exit(f'pty-driver: no output for {IDLE} s')
    try:
        data = os.read(fd, 65536)
    except OSError:
        data = b''
    if not data:
        return False
    raw += data.decode('utf8', 'replace')
    return True

def fail(what):
    sys.stdout.write(clean())
    sys.exit(f'pty-driver: the command ended before {what}')

pos = 0
for step in steps:
    if 'send' in step:
        os.write(fd, step['send'].encode())
        continue
    pattern = re.compile(step.get('expect') or step['enterUntil'])
    answered = None  # the count of answered questions when Enter was last pressed
    while True:
        text = clean()
        match = pattern.search(text, pos)
        if match:
            pos = match.end()
            break
        if 'enterUntil' in step:
            done = text.count('\u2714')
            if done != answered and text.rfind('? ') > text.rfind('\u2714'):
                os.write(fd, b'\r')
                answered = done
        if not read():
            fail(repr(pattern.pattern))

while read():
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(clean())
sys.exit(os.waitstatus_to_exitcode(status) if os.waitstatus_to_exitcode(status) >= 0 else 128 - os.waitstatus_to_exitcode(status))
