#!/usr/bin/env bash
# check-src.sh - source checks for kyoso's C code (in the spirit of curl's checksrc).
#
#   1. Banned functions: strcpy, sprintf, vsprintf, atoi, atol, atoll, gets, strtok must not
#      appear (as whole words, outside comments and string literals) in src/, tests/unit/ or
#      tests/fuzz/. Use snprintf / ky_buf_printf, memcpy with a checked length, strtol/strtoll
#      with an end pointer and errno, fgets, strtok_r or a hand-written scanner instead.
#   2. Formatting: `clang-format --dry-run --Werror` with the repository's .clang-format must
#      report no difference on src/**/*.[ch]. Skipped, with a message, when clang-format is not
#      installed (set CLANG_FORMAT to choose the binary).
#   3. Lines longer than 100 columns (tabs count 8) are counted as a warning; they do not fail
#      (KY_CHECK_LONG_LINES=1 lists them).
#
# Usage: scripts/check-src.sh [--fix]   (from any directory)
#   --fix   rewrite src/**/*.[ch] in place with clang-format, then check.
# Exit status: 0 when every check passed (or was skipped), 1 when one failed, 2 on usage error.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

fix=0
case "${1:-}" in
"") ;;
--fix) fix=1 ;;
-h | --help)
	sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "usage: $0 [--fix]" >&2
	exit 2
	;;
esac

fail=0

# C sources and headers to check, NUL-separated, sorted so the output is stable.
list_files() {
	local d
	for d in "$@"; do
		[ -d "$d" ] && find "$d" -type f \( -name '*.c' -o -name '*.h' \) -print0
	done | sort -z
}

# ---- 1. banned functions ------------------------------------------------------------------
banned='strcpy|sprintf|vsprintf|atoi|atol|atoll|gets|strtok'

# Blanks out comments, string and character literals (keeping line breaks, so line numbers stay
# right), then prints FILE:LINE: name: source line for each banned word.
check_banned() {
	perl -e '
		my $re = qr/\b('"$banned"')\b/;
		my $bad = 0;
		for my $file (@ARGV) {
			open(my $fh, "<", $file) or die "$file: $!\n";
			local $/;
			my $src = <$fh>;
			close $fh;
			my @orig = split /\n/, $src, -1;
			# Replace every non-newline character of comments and literals with a space.
			$src =~ s{
				(/\*.*?\*/)                # block comment
				| (//[^\n]*)               # line comment
				| ("(?:\\.|[^"\\\n])*")    # string literal
				| (\x27(?:\\.|[^\x27\\\n])*\x27)  # character literal
			}{ (my $m = $&) =~ s/[^\n]/ /g; $m }gsex;
			my @lines = split /\n/, $src, -1;
			for my $i (0 .. $#lines) {
				while ($lines[$i] =~ /$re/g) {
					my $name = $1;
					(my $text = $orig[$i]) =~ s/^\s+//;
					print "$file:", $i + 1, ": banned function $name: $text\n";
					$bad = 1;
				}
			}
		}
		exit $bad;
	' "$@"
}

mapfile -d '' banned_files < <(list_files src tests/unit tests/fuzz)
if [ ${#banned_files[@]} -gt 0 ]; then
	if ! check_banned "${banned_files[@]}"; then
		echo "check-src: banned functions found (use snprintf, memcpy with a checked length," \
			"strtol/strtoll with errno and an end pointer, fgets, strtok_r)." >&2
		fail=1
	else
		echo "check-src: banned functions: none in ${#banned_files[@]} files"
	fi
else
	echo "check-src: banned functions: no C files found"
fi

# ---- 2. clang-format ----------------------------------------------------------------------
mapfile -d '' fmt_files < <(list_files src)
cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
	for c in clang-format clang-format-14 clang-format-15 clang-format-16; do
		if command -v "$c" >/dev/null 2>&1; then
			cf=$c
			break
		fi
	done
fi
if [ -z "$cf" ] || ! command -v "$cf" >/dev/null 2>&1; then
	echo "check-src: SKIPPED formatting check: clang-format is not installed" \
		"(apt-get install clang-format, or set CLANG_FORMAT)"
elif [ ! -f .clang-format ]; then
	echo "check-src: .clang-format is missing at $root" >&2
	fail=1
elif [ ${#fmt_files[@]} -gt 0 ]; then
	if [ $fix -eq 1 ]; then
		"$cf" -i --style=file "${fmt_files[@]}"
	fi
	if ! "$cf" --dry-run --Werror --style=file "${fmt_files[@]}"; then
		echo "check-src: formatting differs from .clang-format in the files above" \
			"(see the difference with: $cf FILE | diff -u FILE -; fix with: $0 --fix)" >&2
		fail=1
	else
		echo "check-src: formatting: ${#fmt_files[@]} files match .clang-format ($("$cf" --version | head -n1))"
	fi
fi

# ---- 3. long lines (warning only) ---------------------------------------------------------
if [ ${#fmt_files[@]} -gt 0 ]; then
	# Columns: tabs to the next multiple of 8, one per character (UTF-8 decoded).
	long=$(perl -CSD -ne '
		chomp;
		1 while s/^([^\t]*)\t/$1 . (" " x (8 - length($1) % 8))/e;
		printf "%s:%d: %d columns\n", $ARGV, $., length($_) if length($_) > 100;
		close ARGV if eof;
	' "${fmt_files[@]}")
	if [ -n "$long" ]; then
		n=$(printf '%s\n' "$long" | wc -l)
		if [ "${KY_CHECK_LONG_LINES:-0}" = 1 ]; then
			echo "check-src: warning: $n lines over 100 columns (not an error):"
			printf '%s\n' "$long" | sed 's/^/  /'
		else
			worst=$(printf '%s\n' "$long" | sort -t: -k3 -n -r | sed -n 1p) # sed reads all input: no SIGPIPE under pipefail
			echo "check-src: warning: $n lines over 100 columns (not an error; longest $worst;" \
				"list them with KY_CHECK_LONG_LINES=1)"
		fi
	fi
fi

if [ $fail -ne 0 ]; then
	echo "check-src: FAILED"
	exit 1
fi
echo "check-src: OK"
