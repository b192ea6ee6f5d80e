/* SPDX-License-Identifier: GPL-2.0 */
/* Formatting into fixed buffers where truncating a message is fine. */
#ifndef RB_TEXT_H
#define RB_TEXT_H

#include <stdarg.h>
#include <stdio.h>

/* snprintf that may truncate by design: messages, reasons, paths in text. */
__attribute__((format(printf, 3, 4)))
static inline void text(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* text() into err, then -1: the way a function fails with a reason. */
__attribute__((format(printf, 3, 4)))
static inline int text_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * A net figure (a difference over a baseline) for a table: "< hi" when its
 * interval reaches zero, that is when it is below what the run resolves,
 * and "~0" when all of it is; never a negative time.
 */
static inline const char *net_text(char *buf, size_t len, double v, double lo, double hi,
				   int decimals)
{
	if (lo > 0 && v > 0)
		text(buf, len, "%.*f", decimals, v);
	else if (hi > 0)
		text(buf, len, "< %.*f", decimals, hi);
	else
		text(buf, len, "~0");
	return buf;
}

/* Its interval: a bound below zero reads "<=0". */
static inline const char *net_ci_text(char *buf, size_t len, double lo, double hi, int decimals)
{
	if (lo > 0)
		text(buf, len, "[%.*f, %.*f]", decimals, lo, decimals, hi);
	else if (hi > 0)
		text(buf, len, "[<=0, %.*f]", decimals, hi);
	else
		text(buf, len, "[<=0, <=0]");
	return buf;
}

#endif
