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

#endif
