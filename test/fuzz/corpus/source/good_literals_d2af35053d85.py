# Every literal form the printer emits and Python accepts.
ints = [0, 7, 00, 0_0, 1_000_000, 0x1F, 0X_ff, 0o17, 0O7_7, 0b1010, 0B_1, 9223372036854775807]
big = -9223372036854775808
ints_printer_bug = [10000000000, 10000000000000000, 99999999999999999]
floats = [2., 100., -0., 0.5, .5, 1.0000000000000001e-05, 1e+20, 1e-20, 1E5, 1.5e-3,
          0.10000000000000001, 1_0.2_5, 1e400, 3.14159265358979323846264338327950288, 01.5, 00e1]
complexes = [2j, 2.j, 1.+2.j, 1e3J, -1.5j, 0j, 1_0j]
s1 = 'single'
s2 = "double"
s3 = '''triple
single'''
s4 = """triple "double" with 'quotes'
and a second line"""
s5 = "it's" 'say "hi"'
escapes = "\\ \' \" \a \b \f \n \r \t \v \0 \1 \12 \101 \1011 \x41 \x7f \u00e9 \u20ac \U0001F600 \d \%"
octal_bytes = "\001\002\177"
continued = "abc\
def"
raw = r"\n\t\\ \" raw"
raw2 = R'C:\path\to' r'x'
unicode_prefix = u"u-string" U'x'
concat = ("a" "b"
          'c' """d""")
empty = ""
empty3 = """"""
non_ascii = "héllo wörld € 😀"
nul = "a\x00b"
f1 = f"plain"
f2 = f"a{x}b"
f3 = f"{x!r}"
f4 = f"{x:>10}"
f5 = f"{x!s:^10}"
f6 = f"{{literal}} {x} }}"
f7 = f"{x=}"
f8 = f"{x = }"
f9 = f"{x=!s}"
f10 = f"{x=:.3f}"
f11 = f"{a['k']} {b[0]}"
f12 = f'{"nested"}' f"{x + 1:08.3f}" "tail"
f13 = "pre" f"{x}" "post"
f14 = F"{x}" rf"\n{y}" fR"{z}\t"
f15 = f"""multi
{x}
line"""
f16 = f"{x, y}"
f17 = f"{x if y else z}"
f18 = f"{f'{x}'}"
f19 = f"\n{x}\t{y!a}"
f20 = f"{x:%Y-%m-%d}"
f21 = f""
f22 = f"{ x }"
f23 = f"{x!r:}"
f24 = f"{d['a']['b']}"
f25 = f"{x:\n}"
consts = [True, False, None, ...]
