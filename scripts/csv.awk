# csv.awk — what the CSV-to-C generators share (gen-fallbacks.awk,
# gen-exit-codes.awk; run as `awk -f scripts/csv.awk -f scripts/gen-X.awk`).
# csv_split: a line into f[1..n], fields optionally "quoted" (commas
# inside allowed, no embedded quotes); returns n.  cstr: a C string literal.
function csv_split(s, f,    n, q) {
	n = 0
	while (s != "") {
		if (substr(s, 1, 1) == "\"") {
			q = index(substr(s, 2), "\""); f[++n] = substr(s, 2, q - 1); s = substr(s, q + 3)
		} else if ((q = index(s, ","))) {
			f[++n] = substr(s, 1, q - 1); s = substr(s, q + 1)
		} else {
			f[++n] = s; s = ""
		}
	}
	return n
}
function cstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
