/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A generated skeleton behind a type-erased face: the strategy table and
 * the consumer's variants keep skeletons of different types side by side.
 */
#ifndef RB_SKEL_OPS_H
#define RB_SKEL_OPS_H

struct bpf_object;

/* x##_open, x##_load and x##_destroy around struct x##_bpf. */
#define SKEL_LIFETIME_OPS(x)						\
	static struct bpf_object *x##_open(void **skel)			\
	{								\
		struct x##_bpf *s = x##_bpf__open();			\
		*skel = s;						\
		return s ? s->obj : NULL;				\
	}								\
	static int x##_load(void *skel)					\
	{								\
		return x##_bpf__load(skel);				\
	}								\
	static void x##_destroy(void *skel)				\
	{								\
		x##_bpf__destroy(skel);					\
	}

#endif
