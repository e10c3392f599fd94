#!/usr/bin/env python3
"""Checks of the weekly report page for test/shell/report.sh (standard library only).

    report_check.py page FILE ORACLE.json   the page as written: HTML5 structure, the sections,
                                            no external reference, escaping, figures = the oracle
    report_check.py dom FILE ORACLE.json    Chromium's --dump-dom of the page: it loaded (no error
                                            page), the sections and charts are there, names as text
    report_check.py png FILE W H            the screenshot: a W x H PNG, not blank, status colours
    report_check.py pdf FILE                the printout: A4 pages, at least one per section
    report_check.py crop FILE OUT X Y W H   write a crop of a PNG (to look at a part of it)

ORACLE.json is written by report.sh from plain SQL over the views (see there).  Every
check prints "ok: ..." or exits non-zero with "FAIL: ...".
"""
import collections
import html.parser
import json
import operator
import re
import struct
import sys
import zlib

SECTIONS = ['dashboard', 'charts', 'forecast', 'rankings', 'not-started', 'data-quality']
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
NBSP = '\u00a0'


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


# ---------------------------------------------------------------- a small DOM
class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return ''.join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self):
        return (self.attrs.get('class') or '').split()

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()

    def find(self, tag=None, cls=None, **attrs):
        return [n for n in self.walk()
                if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())
                and all(n.attrs.get(k.replace('_', '-')) == v for k, v in attrs.items())]


class Builder(html.parser.HTMLParser):
    """Builds the tree; with strict=True every non-void element must be closed by its own end tag."""

    def __init__(self, strict):
        super().__init__(convert_charrefs=True)
        self.root = Node('#root', {}, None)
        self.cur, self.strict, self.errors, self.doctype = self.root, strict, [], None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is self.root:
            self.errors.append('end tag </%s> without a start tag' % tag)
            return
        if n is not self.cur:
            self.errors.append('<%s> closed by </%s>' % (self.cur.tag, tag))
        self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(text, strict):
    b = Builder(strict)
    b.feed(text)
    b.close()
    if strict:
        if b.errors:
            fail('the page is not well formed: ' + '; '.join(b.errors[:5]))
        if b.cur is not b.root:
            fail('unclosed element <%s>' % b.cur.tag)
    return b


# ------------------------------------------------------- the report's formats
def pct(share):
    return '—' if share is None else ('%.1f' % (100 * share)).replace('.', ',') + NBSP + '%'


def count(n):
    return '{:,}'.format(n).replace(',', NBSP)


def status_class(row):
    if row['stage'] is None or row['met'] is None:
        return 'grey'
    if row['met']:
        return 'green'
    return 'red' if row['due'] else 'amber'


def norm(s):
    return ' '.join(s.split())


# ------------------------------------------------------------------ the checks
def check_common(root, oracle, where):
    """What the written page and Chromium's DOM must both show."""
    secs = {n.attrs.get('id'): n for n in root.find('section')}
    missing = [s for s in SECTIONS if s not in secs]
    if missing:
        fail('%s: sections missing: %s' % (where, ', '.join(missing)))
    for s in SECTIONS:
        if len([n for n in root.walk() if n.attrs.get('id') == s]) != 1:
            fail('%s: id "%s" is not unique' % (where, s))
        if not secs[s].find('h2'):
            fail('%s: section %s has no heading' % (where, s))
    # the names from the data, shown as text (escaped in the source, not markup)
    h1 = root.find('h1')
    if len(h1) != 1 or oracle['region_name'] not in h1[0].text():
        fail('%s: the h1 does not show the region name %r as text: %r'
             % (where, oracle['region_name'], h1[0].text() if h1 else None))
    if h1[0].find():
        fail('%s: the h1 holds elements %s: a name from the data was read as markup'
             % (where, [n.tag for n in h1[0].find()]))
    title = root.find('title')
    if not title or oracle['region_name'] not in title[0].text():
        fail('%s: the <title> does not show the region name' % where)
    for name in oracle.get('names_shown', []):
        if name not in root.text():
            fail('%s: the name %r is not shown as text' % (where, name))
    if root.find('script') or root.find('iframe') or root.find('img') or root.find('link') or root.find('object'):
        fail('%s: the page has a script, iframe, img, link or object element' % where)
    # one SVG chart per computed indicator
    figs = root.find('figure', cls='chart')
    got = sorted(f.attrs.get('data-indicator') for f in figs)
    if got != sorted(oracle['indicators']):
        fail('%s: charts for %s, want one for each of %s' % (where, got, sorted(oracle['indicators'])))
    for f in figs:
        svgs = f.find('svg', cls='chart')
        if len(svgs) != 1:
            fail('%s: chart %s has %d svg elements' % (where, f.attrs.get('data-indicator'), len(svgs)))
        ylabels = [norm(t.text()) for t in svgs[0].find('text', cls='ylab')]
        if ylabels != ['0 %', '25 %', '50 %', '75 %', '100 %']:
            fail('%s: chart %s y axis %s, want 0-100 %%' % (where, f.attrs.get('data-indicator'), ylabels))
        if not svgs[0].find('text', cls='xlab'):
            fail('%s: chart %s has no x-axis labels' % (where, f.attrs.get('data-indicator')))
    return secs


def check_figures(root, oracle, where):
    secs = {n.attrs.get('id'): n for n in root.find('section')}
    # the dashboard: the figures of the oracle (the dashboard view or the store)
    rows = {tr.attrs['data-indicator']: tr for tr in secs['dashboard'].find('tr') if 'data-indicator' in tr.attrs}
    want = {r['indicator']: r for r in oracle['dashboard']}
    if sorted(rows) != sorted(want):
        fail('%s: dashboard rows %s, want %s' % (where, sorted(rows), sorted(want)))
    for ind, r in want.items():
        tr = rows[ind]
        value = norm(tr.find('td', cls='value')[0].text())
        if value != norm(pct(r['share'])):
            fail('%s: dashboard %s shows %r, want %r' % (where, ind, value, norm(pct(r['share']))))
        cnt = norm(tr.find('td', cls='count')[0].text())
        want_cnt = '—' if r['denominator'] is None else norm('%s из %s' % (count(r['numerator']), count(r['denominator'])))
        if cnt != want_cnt:
            fail('%s: dashboard %s count %r, want %r' % (where, ind, cnt, want_cnt))
        st = tr.find('span', cls='st')[0]
        if 'st-' + status_class(r) not in st.classes():
            fail('%s: dashboard %s status %s, want st-%s (met %s, due %s)'
                 % (where, ind, st.classes(), status_class(r), r['met'], r['due']))
    # the sparklines: oldest week first (SVG y grows downwards)
    for ind, sign in (oracle.get('spark') or {}).items():
        line = rows[ind].find('polyline')[0].attrs['points'].split()
        first, last = float(line[0].split(',')[1]), float(line[-1].split(',')[1])
        if (first - last) * sign <= 0:
            fail('%s: the sparkline of %s runs the wrong way (y %s -> %s, share went %s)'
                 % (where, ind, first, last, 'up' if sign > 0 else 'down'))
    # the charts: a dot per week of the school year with a value
    for f in secs['charts'].find('figure', cls='chart'):
        ind = f.attrs['data-indicator']
        dots = len(f.find('circle', cls='dot'))
        if dots != oracle['dots'][ind]:
            fail('%s: chart %s has %d weekly points, want %d' % (where, ind, dots, oracle['dots'][ind]))
    # the forecast of the region: a row per indicator of sferum_kpi.forecast
    got = sorted(tr.attrs['data-indicator'] for tr in secs['forecast'].find('tr') if 'data-indicator' in tr.attrs)
    if got != sorted(oracle['forecast_rows']):
        fail('%s: forecast rows %s, want %s' % (where, got, sorted(oracle['forecast_rows'])))
    # the rankings: the main indicators, their municipalities in rank order (best
    # and worst 5 when there are more than 12)
    blocks = {d.attrs['data-indicator']: d for d in secs['rankings'].find('div', cls='ranking')}
    if sorted(blocks) != sorted(oracle['rankings']):
        fail('%s: rankings for %s, want the main indicators %s' % (where, sorted(blocks), sorted(oracle['rankings'])))
    if not any(len(order) > 12 for order in oracle['rankings'].values()):
        fail('%s: no main indicator ranks more than 12 municipalities: the best and worst tables go untested' % where)
    for ind, order in oracle['rankings'].items():
        tables = [t for t in blocks[ind].find('table', cls='rank')
                  if t.find('tr') and any('data-group' in tr.attrs for tr in t.find('tr'))]
        groups = [[tr.attrs['data-group'] for tr in t.find('tr') if 'data-group' in tr.attrs] for t in tables]
        want = [order] if len(order) <= 12 else [order[:5], order[-5:]]
        if groups != want:
            fail('%s: ranking of %s shows %s, want %s' % (where, ind, groups, want))
    # not started: the counts by status, the list capped at 40 with «и ещё N»
    ns = secs['not-started']
    got = {tr.attrs['data-status']: int(norm(tr.find('td', cls='orgs')[0].text()).replace(' ', ''))
           for tr in ns.find('tr') if 'data-status' in tr.attrs}
    if got != oracle['not_started']:
        fail('%s: not-started counts %s, want %s' % (where, got, oracle['not_started']))
    total = sum(oracle['not_started'].values())
    listed = len(ns.find('tr', cls='ns-org'))
    more = [norm(p.text()) for p in ns.find('p', cls='more')]
    if listed != min(total, 40) or (total > 40) != bool(more):
        fail('%s: not-started list of %d rows (%s), want %d of %d' % (where, listed, more, min(total, 40), total))
    # the summary at the top: its counts = the oracle's
    items = {li.attrs['data-summary']: [int(b.text()) for b in li.find('b')] for li in root.find('li') if 'data-summary' in li.attrs}
    for key, want in oracle['summary'].items():
        got = items.get(key, [])[:len(want)]
        if got != want:
            fail('%s: summary %s says %s, want %s' % (where, key, got, want))
    # data quality: a row per finding of the region and of the whole mart
    got = sorted(tr.attrs['data-check'] for tr in secs['data-quality'].find('tr') if 'data-check' in tr.attrs)
    if got != sorted(oracle['dq_rows']):
        fail('%s: data-quality rows %s, want %s' % (where, got, sorted(oracle['dq_rows'])))


def page(path, oracle_path):
    raw = open(path, encoding='utf-8').read()
    oracle = json.load(open(oracle_path, encoding='utf-8'))
    if not raw.startswith('<!DOCTYPE html>'):
        fail('the page does not start with <!DOCTYPE html>')
    if '<html lang="ru">' not in raw or '<meta charset="utf-8">' not in raw:
        fail('no <html lang="ru"> or <meta charset="utf-8">')
    # nothing fetched from anywhere: no URL, no script, no external resource
    for pat in [r'https?:', r'//[a-z0-9-]+\.[a-z]', r'<script', r'\bsrc\s*=', r'<link', r'@import', r'url\(',
                r'javascript:', r'<iframe', r'<img', r'<object', r'<embed', r'\bon[a-z]+\s*=\s*["\']', r'xlink:href']:
        m = re.search(pat, raw, re.I)
        if m:
            fail('the page has an external reference or script (%s): ...%s...'
                 % (pat, raw[max(0, m.start() - 60):m.end() + 60]))
    b = parse(raw, strict=True)
    if (b.doctype or '').lower() != 'doctype html':
        fail('doctype %r' % b.doctype)
    root = b.root
    for a in root.find('a'):
        if not a.attrs.get('href', '').startswith('#'):
            fail('a link leaves the page: %r' % a.attrs.get('href'))
    # the escaped source: the names' markup characters appear only as references
    for name in [oracle['region_name']] + oracle.get('names_shown', []):
        if name in raw:
            fail('the name %r appears unescaped in the source' % name)
    styles = root.find('style')
    if len(styles) != 1 or '@page' not in styles[0].text() or '@media print' not in styles[0].text() \
            or 'break-before: page' not in styles[0].text():
        fail('no print style (@page, @media print with a page break before each section)')
    check_common(root, oracle, 'page')
    check_figures(root, oracle, 'page')
    print('ok: page: HTML5, well formed, %d sections, %d inline SVG charts, no external reference, '
          'names escaped; = the oracle: %d dashboard rows, the weekly points, %d forecast rows, %d rankings, '
          '%d not started, %d data-quality findings'
          % (len(SECTIONS), len(oracle['indicators']), len(oracle['dashboard']), len(oracle['forecast_rows']),
             len(oracle['rankings']), sum(oracle['not_started'].values()), len(oracle['dq_rows'])))


def dom(path, oracle_path):
    raw = open(path, encoding='utf-8').read()
    oracle = json.load(open(oracle_path, encoding='utf-8'))
    if not raw.strip():
        fail('Chromium dumped no DOM: the page did not load')
    if not re.search(r'<html[^>]*\blang="ru"', raw):
        fail('the DOM is not the report\'s (no <html lang="ru">): %r' % raw[:200])
    # Chromium's error pages (file not found, blocked) carry these markers
    for marker in ['neterror', 'main-frame-error', 'ERR_FILE_NOT_FOUND', 'ERR_ACCESS_DENIED', 'This site can']:
        if marker in raw:
            fail('Chromium shows an error page (%s)' % marker)
    root = parse(raw, strict=False).root
    check_common(root, oracle, 'dom')
    check_figures(root, oracle, 'dom')
    print('ok: dom: Chromium loaded the page: every section, %d SVG charts, the figures, names as text'
          % len(root.find('svg', cls='chart')))


# ------------------------------------------------------------------------ PNG
def read_png(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail('%s is not a PNG file' % path)
    pos, idat, width = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or colour not in (2, 6) or interlace:
                fail('unsupported PNG: depth %d colour type %d interlace %d' % (depth, colour, interlace))
            bpp = 3 if colour == 2 else 4
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
        pos += 12 + length
    if width is None:
        fail('no IHDR chunk in %s' % path)
    raw = zlib.decompress(b''.join(idat))
    stride = width * bpp
    wrap = bytes(range(256)) * 2        # wrap[a + b] == (a + b) & 255, looked up in C
    rows, prev = [], bytes(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        cur = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if ftype == 0:
            line = cur
        elif ftype == 2:
            line = bytes(map(wrap.__getitem__, map(operator.add, cur, prev)))
        else:
            line = bytearray(cur)
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                if ftype == 1:
                    line[i] = wrap[line[i] + a]
                elif ftype == 3:
                    line[i] = wrap[line[i] + ((a + prev[i]) >> 1)]
                else:
                    b = prev[i]
                    c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = wrap[line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)]
            line = bytes(line)
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def hexrgb(h):
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


def png(path, want_w, want_h):
    width, height, bpp, rows = read_png(path)
    if (width, height) != (int(want_w), int(want_h)):
        fail('the screenshot is %dx%d, want %sx%s' % (width, height, want_w, want_h))
    counts = collections.Counter()
    for row in rows:
        counts.update(zip(row[0::bpp], row[1::bpp], row[2::bpp]))
    inked = 1 - counts[(255, 255, 255)] / float(width * height)
    if len(counts) < 100 or inked < 0.03:
        fail('the screenshot looks blank: %d colours, %.1f %% not white' % (len(counts), 100 * inked))
    # the status badges and the charts in their colours (the page's CSS)
    wanted = {'green badge': '#d5f5dc', 'red badge': '#fde0df', 'amber badge': '#ffe9a8', 'table head': '#eef2f6',
              'chart line': '#0b5cad'}
    absent = [k for k, v in wanted.items() if hexrgb(v) not in counts]
    if absent:
        fail('the screenshot lacks the colours of: %s' % ', '.join(absent))
    # text everywhere down the page, not one painted strip: ink in most bands of 500 px
    bands = []
    for y0 in range(0, height - 499, 500):
        ink = sum(1 for row in rows[y0:y0 + 500:10] if row.count(b'\xff') < len(row) - 30)
        bands.append(ink)
    if sum(1 for b in bands if b > 0) < 0.8 * len(bands):
        fail('the screenshot is blank below some point: ink per 500 px band %s' % bands)
    print('ok: png: %dx%d, %d colours, %.1f %% not white, status colours present, ink in %d of %d bands'
          % (width, height, len(counts), 100 * inked, sum(1 for b in bands if b > 0), len(bands)))


def pdf(path):
    data = open(path, 'rb').read()
    if not data.startswith(b'%PDF-'):
        fail('%s is not a PDF' % path)
    pages = len(re.findall(rb'/Type\s*/Page\b(?!s)', data))
    boxes = set(re.findall(rb'/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]', data))
    if not boxes:
        fail('no page size in the PDF')
    for w, h in boxes:
        # A4 is 595.3 x 841.9 pt
        if abs(float(w) - 595.3) > 2 or abs(float(h) - 841.9) > 2:
            fail('a page of %s x %s pt is not A4' % (w.decode(), h.decode()))
    if pages < len(SECTIONS):
        fail('the printout has %d pages, want at least one per section (%d)' % (pages, len(SECTIONS)))
    print('ok: pdf: %d A4 pages' % pages)


def crop(path, out, x0, y0, w, h):
    width, height, bpp, rows = read_png(path)
    lines = []
    for y in range(y0, min(y0 + h, height)):
        row = rows[y]
        line = bytearray()
        for x in range(x0, min(x0 + w, width)):
            line += row[x * bpp:x * bpp + 3]
        lines.append(b'\x00' + bytes(line))
    ow = min(x0 + w, width) - x0

    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)
    with open(out, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', ow, len(lines), 8, 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(b''.join(lines), 6)) + chunk(b'IEND', b''))


if __name__ == '__main__':
    a = sys.argv[1:]
    if len(a) == 3 and a[0] in ('page', 'dom'):
        {'page': page, 'dom': dom}[a[0]](a[1], a[2])
    elif len(a) == 4 and a[0] == 'png':
        png(a[1], a[2], a[3])
    elif len(a) == 2 and a[0] == 'pdf':
        pdf(a[1])
    elif len(a) == 7 and a[0] == 'crop':
        crop(a[1], a[2], *map(int, a[3:7]))
    else:
        sys.exit(__doc__)
