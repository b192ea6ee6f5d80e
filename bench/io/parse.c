// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/parse.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Copy a token for quoting in messages, truncated so messages stay short. */
static const char *shown(const char *tok, size_t len, char *buf, size_t bufsz)
{
	size_t n = len < bufsz - 1 ? len : bufsz - 1;
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (tok[i] >= 0x20 && tok[i] < 0x7f) ? tok[i] : '?';
	buf[n] = '\0';
	if (len > n && n >= 3)
		memcpy(buf + n - 3, "...", 3);
	return buf;
}

static int parse_uint_n(const char *s, size_t len, unsigned long min,
			unsigned long max, unsigned long *out, char *err,
			size_t errlen)
{
	unsigned long v = 0;
	char tok[32];
	size_t i;

	if (len == 0)
		return fail(err, errlen, "empty number");
	if (s[0] == '-')
		return fail(err, errlen, "'%s' is negative",
			    shown(s, len, tok, sizeof(tok)));
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(err, errlen, "'%s' is not a number",
				    shown(s, len, tok, sizeof(tok)));
		if (v > (ULONG_MAX - (unsigned long)(s[i] - '0')) / 10)
			return fail(err, errlen, "'%s' is too large (max %lu)",
				    shown(s, len, tok, sizeof(tok)), max);
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < min)
		return fail(err, errlen, "'%s' is too small (min %lu)",
			    shown(s, len, tok, sizeof(tok)), min);
	if (v > max)
		return fail(err, errlen, "'%s' is too large (max %lu)",
			    shown(s, len, tok, sizeof(tok)), max);
	*out = v;
	return 0;
}

int parse_uint(const char *s, unsigned long min, unsigned long max,
	       unsigned long *out, char *err, size_t errlen)
{
	if (!s)
		return fail(err, errlen, "missing number");
	return parse_uint_n(s, strlen(s), min, max, out, err, errlen);
}

int parse_double(const char *s, double min, double max, double *out, char *err,
		 size_t errlen)
{
	char *end;
	double v;

	if (!s || !*s)
		return fail(err, errlen, "missing number");
	if (strspn(s, "0123456789.") != strlen(s))
		return fail(err, errlen, "'%s' is not a plain decimal number", s);
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s)
		return fail(err, errlen, "'%s' is not a number", s);
	if (v < min || v > max)
		return fail(err, errlen, "%s is outside %g..%g", s, min, max);
	*out = v;
	return 0;
}

/* Split s at commas, calling fn for each token; empty tokens are errors. */
typedef int (*token_fn)(const char *tok, size_t len, void *ctx, char *err,
			size_t errlen);

static int for_each_token(const char *s, token_fn fn, void *ctx, char *err,
			  size_t errlen)
{
	const char *p = s, *comma;
	size_t len;

	if (!s || !*s)
		return fail(err, errlen, "empty list");
	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0) {
			char shown_list[44];

			return fail(err, errlen, "empty entry in list '%s'",
				    shown(s, strlen(s), shown_list, sizeof(shown_list)));
		}
		if (fn(p, len, ctx, err, errlen))
			return -1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

struct depth_ctx {
	unsigned max_depth;
	unsigned *out;
	size_t max_n, n;
};

static int depth_token(const char *tok, size_t len, void *vctx, char *err,
		       size_t errlen)
{
	struct depth_ctx *c = vctx;
	unsigned long v;
	size_t i;

	if (parse_uint_n(tok, len, 0, c->max_depth, &v, err, errlen))
		return -1;
	for (i = 0; i < c->n; i++)
		if (c->out[i] == v)
			return fail(err, errlen, "depth %lu given twice", v);
	if (c->n == c->max_n)
		return fail(err, errlen, "more than %zu depths", c->max_n);
	c->out[c->n++] = (unsigned)v;
	return 0;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

int parse_depths(const char *s, unsigned max_depth, unsigned *out,
		 size_t max_n, size_t *n, char *err, size_t errlen)
{
	struct depth_ctx c = { .max_depth = max_depth, .out = out,
			       .max_n = max_n };

	if (for_each_token(s, depth_token, &c, err, errlen))
		return -1;
	qsort(out, c.n, sizeof(*out), cmp_unsigned);
	*n = c.n;
	return 0;
}

struct names_ctx {
	const char *const *known;
	size_t nknown;
	size_t *out;
	size_t max_n, n;
};

static int name_token(const char *tok, size_t len, void *vctx, char *err,
		      size_t errlen)
{
	struct names_ctx *c = vctx;
	char buf[48];
	size_t i, k;

	for (k = 0; k < c->nknown; k++)
		if (strlen(c->known[k]) == len && !strncmp(c->known[k], tok, len))
			break;
	if (k == c->nknown)
		return fail(err, errlen, "unknown name '%s'",
			    shown(tok, len, buf, sizeof(buf)));
	for (i = 0; i < c->n; i++)
		if (c->out[i] == k)
			return fail(err, errlen, "'%s' given twice", c->known[k]);
	if (c->n == c->max_n)
		return fail(err, errlen, "more than %zu names", c->max_n);
	c->out[c->n++] = k;
	return 0;
}

int parse_names(const char *s, const char *const *known, size_t nknown,
		size_t *out, size_t max_n, size_t *n, char *err, size_t errlen)
{
	struct names_ctx c = { .known = known, .nknown = nknown, .out = out,
			       .max_n = max_n };

	if (for_each_token(s, name_token, &c, err, errlen))
		return -1;
	*n = c.n;
	return 0;
}

struct cpu_ctx {
	bool *set;
	size_t ncpus;
	int highest;
};

static int cpu_token(const char *tok, size_t len, void *vctx, char *err,
		     size_t errlen)
{
	struct cpu_ctx *c = vctx;
	const char *dash = memchr(tok, '-', len);
	unsigned long lo, hi, cpu;

	/* A trailing newline is how sysfs ends the list. */
	while (len && (tok[len - 1] == '\n' || tok[len - 1] == ' '))
		len--;
	if (dash == tok)
		return fail(err, errlen, "negative cpu in list");
	if (dash && dash < tok + len) {
		if (parse_uint_n(tok, (size_t)(dash - tok), 0, 65535, &lo, err,
				 errlen) ||
		    parse_uint_n(dash + 1, len - (size_t)(dash - tok) - 1, 0,
				 65535, &hi, err, errlen))
			return -1;
		if (hi < lo)
			return fail(err, errlen, "cpu range %lu-%lu is reversed",
				    lo, hi);
	} else {
		if (parse_uint_n(tok, len, 0, 65535, &lo, err, errlen))
			return -1;
		hi = lo;
	}
	for (cpu = lo; cpu <= hi; cpu++)
		if (cpu < c->ncpus)
			c->set[cpu] = true;
	if ((int)hi > c->highest)
		c->highest = (int)hi;
	return 0;
}

int parse_cpu_list(const char *s, bool *set, size_t ncpus, int *highest,
		   char *err, size_t errlen)
{
	struct cpu_ctx c = { .set = set, .ncpus = ncpus, .highest = -1 };

	memset(set, 0, ncpus * sizeof(*set));
	if (for_each_token(s, cpu_token, &c, err, errlen))
		return -1;
	*highest = c.highest;
	return 0;
}

unsigned long tree_nodes(unsigned depth, unsigned fanout)
{
	unsigned long total = 1, level = 1;
	unsigned d;

	for (d = 0; d < depth; d++) {
		if (level > ULONG_MAX / (fanout ? fanout : 1))
			return ULONG_MAX;
		level *= fanout;
		if (total > ULONG_MAX - level)
			return ULONG_MAX;
		total += level;
	}
	return total;
}

int parse_tree_shape(const char *s, unsigned max_nodes, unsigned *depth,
		     unsigned *fanout, unsigned long *nodes, char *err,
		     size_t errlen)
{
	const char *x;
	unsigned long d, f, n;
	char tok[32];

	if (!s || !*s)
		return fail(err, errlen, "empty tree shape");
	x = strchr(s, 'x');
	if (!x)
		return fail(err, errlen, "tree shape '%s' is not DEPTHxFANOUT",
			    shown(s, strlen(s), tok, sizeof(tok)));
	if (parse_uint_n(s, (size_t)(x - s), 1, 64, &d, err, errlen) ||
	    parse_uint_n(x + 1, strlen(x + 1), 1, 4096, &f, err, errlen))
		return -1;
	n = tree_nodes((unsigned)d, (unsigned)f);
	if (n > max_nodes)
		return fail(err, errlen,
			    "tree shape %lux%lu has %s%lu memcgs, over the limit of %u",
			    d, f, n == ULONG_MAX ? "more than " : "", n, max_nodes);
	*depth = (unsigned)d;
	*fanout = (unsigned)f;
	*nodes = n;
	return 0;
}

/* The number after key in s, or 0. */
static unsigned number_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p ? (unsigned)strtoul(p + strlen(key), NULL, 10) : 0;
}

void parse_verifier_stats(const char *log, unsigned *time_us, unsigned *peak_states,
			  unsigned *stack_depth, unsigned *processed)
{
	const char *p = strstr(log, "stack depth ");
	char *end;

	*time_us = number_after(log, "verification time ");
	*peak_states = number_after(log, "peak_states ");
	*processed = number_after(log, "processed ");
	*stack_depth = 0;
	if (!p)
		return;
	/* "stack depth 16+0+8": one figure per subprogram; the sum is the
	 * most the program can use at once. */
	for (p += strlen("stack depth ");; p = end + 1) {
		*stack_depth += (unsigned)strtoul(p, &end, 10);
		if (end == p || *end != '+')
			break;
	}
}

void parse_verifier_states(const char *log, unsigned *total_states,
			   unsigned *max_states_per_insn, unsigned *mark_read)
{
	*total_states = number_after(log, "total_states ");
	*max_states_per_insn = number_after(log, "max_states_per_insn ");
	*mark_read = number_after(log, "mark_read ");
}

struct shapes_ctx {
	unsigned max_nodes;
	unsigned *depth, *fanout;
	unsigned long *nodes;
	size_t max_n, n;
};

static int shape_token(const char *tok, size_t len, void *vctx, char *err,
		       size_t errlen)
{
	struct shapes_ctx *c = vctx;
	char buf[64], tok_shown[24];
	size_t i;

	if (len >= sizeof(buf))
		return fail(err, errlen, "tree shape '%s' is too long",
			    shown(tok, len, tok_shown, sizeof(tok_shown)));
	memcpy(buf, tok, len);
	buf[len] = '\0';
	if (c->n == c->max_n)
		return fail(err, errlen, "more than %zu tree shapes", c->max_n);
	if (parse_tree_shape(buf, c->max_nodes, &c->depth[c->n], &c->fanout[c->n],
			     &c->nodes[c->n], err, errlen))
		return -1;
	for (i = 0; i < c->n; i++)
		if (c->depth[i] == c->depth[c->n] && c->fanout[i] == c->fanout[c->n])
			return fail(err, errlen, "tree shape %s given twice", buf);
	c->n++;
	return 0;
}

int parse_tree_list(const char *s, unsigned max_nodes, unsigned *depth,
		    unsigned *fanout, unsigned long *nodes, size_t max_n,
		    size_t *n, char *err, size_t errlen)
{
	struct shapes_ctx c = { .max_nodes = max_nodes, .depth = depth,
				.fanout = fanout, .nodes = nodes, .max_n = max_n };

	if (for_each_token(s, shape_token, &c, err, errlen))
		return -1;
	*n = c.n;
	return 0;
}

/* Lines of a verifier log that are not the verdict. */
static bool log_noise(const char *l, size_t len)
{
	static const char *const noise[] = {
		"processed ", "verification time", "stack depth", "--",
		"libbpf: ", "Func#", "; ", "func#", "from ", "last_idx",
	};
	size_t i;

	while (len && (*l == ' ' || *l == '\t')) {
		l++;
		len--;
	}
	if (len == 0)
		return true;
	/* Instruction trace: "42: (85) call ..." */
	for (i = 0; i < len && l[i] >= '0' && l[i] <= '9'; i++)
		;
	if (i && i < len && l[i] == ':')
		return true;
	for (i = 0; i < sizeof(noise) / sizeof(noise[0]); i++)
		if (len >= strlen(noise[i]) && !strncmp(l, noise[i], strlen(noise[i])))
			return true;
	return false;
}

int parse_verifier_reason(const char *log, char *out, size_t len)
{
	const char *begin = strstr(log, "-- BEGIN PROG LOAD LOG --");
	const char *end = begin ? strstr(begin, "-- END PROG LOAD LOG --") : NULL;
	const char *p, *nl, *line = NULL, *report;
	size_t line_len = 0;

	if (!begin || !end)
		return -1;
	/* Newer verifiers follow their classic one-line message with a
	 * structured report: the line before it is the one wanted. */
	report = strstr(begin, "\nVerification failed:");
	if (report && report < end)
		end = report + 1;
	for (p = strchr(begin, '\n'); p && p < end; p = nl) {
		p++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		if (!log_noise(p, (size_t)(nl - p))) {
			line = p;
			line_len = (size_t)(nl - p);
		}
	}
	if (!line)
		return -1;
	while (line_len && (*line == ' ' || *line == '\t')) {
		line++;
		line_len--;
	}
	snprintf(out, len, "%.*s", (int)line_len, line);
	return 0;
}
