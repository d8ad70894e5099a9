# Regenerates *.golden.json from the .ini fixtures with Python 3's
# configparser (the reader Roundup uses), so that the Go tests compare
# against the real thing:  python3 configparser_golden.py
import configparser, json, sys

def dump(path):
    p = configparser.ConfigParser()
    with open(path) as f:
        p.read_file(f, source=path)
    out = {}
    for sec in ["DEFAULT"] + p.sections():
        names = list(p.defaults()) if sec == "DEFAULT" else [o for o in p.options(sec) if o not in p.defaults()]
        got = {}
        for o in names:
            try:
                got[o] = {"value": p.get(sec, o)}
            except configparser.Error as e:
                got[o] = {"error": type(e).__name__}
        out[sec] = got
    return out

for path in sys.argv[1:] or ["quirks.ini", "bpo-config.ini.template", "roundup-classic.ini"]:
    with open(path.rsplit(".ini", 1)[0] + ".golden.json", "w") as f:
        json.dump(dump(path), f, indent=1, sort_keys=True)
        f.write("\n")
