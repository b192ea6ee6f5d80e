/* SPDX-License-Identifier: GPL-2.0 */
/*
 * can_loop: true while the verifier's loop budget lasts. It is one
 * may_goto instruction (Linux >= 6.9): the verifier lets a loop guarded by
 * it run without proving a bound, and the kernel makes it jump once the
 * program has used its budget: 8M executions of may_goto per invocation,
 * or a quarter of a second where the JIT has timed may_goto (x86-64 since
 * Linux 6.15). The budget belongs to the whole invocation (a counter in the
 * program's stack frame), so a loop that runs out has not finished: the
 * caller must treat that as a failure, not as a result.
 *
 * A compiler that announces the instruction (__BPF_FEATURE_MAY_GOTO) gets
 * it by name. Others get it encoded by hand in an `asm goto`, the fallback
 * the kernel selftests' bpf_experimental.h uses: opcode BPF_JMP | BPF_JCOND
 * (0xe5), src_reg BPF_MAY_GOTO (0), dst_reg 0, imm 0, and the 16-bit
 * offset, in instructions, from the one after it to the label. The offset
 * is emitted by a 32-bit directive masked to 16 bits whose other half is
 * the first half of imm: clang 14 assembles a label difference in a
 * 16-bit .short into a wrong instruction without a word. Which half comes
 * first depends on the byte order. Debian 12's clang 19 does not announce
 * the instruction but assembles its name; both forms give the same object.
 */
#ifndef ROOTBENCH_CAN_LOOP_BPF_H
#define ROOTBENCH_CAN_LOOP_BPF_H

#ifndef can_loop

#ifdef __BPF_FEATURE_MAY_GOTO
#define rb_may_goto(label) asm volatile goto("may_goto %l[" #label "]" :::: label)
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* code, regs; off (low half of the .long), imm low; imm high. */
#define rb_may_goto(label)						\
	asm volatile goto("1: .byte 0xe5\n\t"				\
			  ".byte 0\n\t"					\
			  ".long ((%l[" #label "] - 1b - 8) / 8) & 0xffff\n\t" \
			  ".short 0"					\
			  :::: label)
#else
/* code, regs; off (high half of the .long), imm high; imm low. */
#define rb_may_goto(label)						\
	asm volatile goto("1: .byte 0xe5\n\t"				\
			  ".byte 0\n\t"					\
			  ".long (((%l[" #label "] - 1b - 8) / 8) & 0xffff) << 16\n\t" \
			  ".short 0"					\
			  :::: label)
#endif

/* may_goto jumps when the budget is gone: the expression is then false. */
#define can_loop							\
	({								\
		__label__ rb_out, rb_in;				\
		bool rb_ok = true;					\
									\
		rb_may_goto(rb_out);					\
		goto rb_in;						\
	rb_out:								\
		rb_ok = false;						\
	rb_in:								\
		rb_ok;							\
	})

#endif /* can_loop */

#endif
