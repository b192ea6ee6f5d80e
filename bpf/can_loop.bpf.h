/* SPDX-License-Identifier: GPL-2.0 */
/*
 * can_loop: true while the verifier's loop budget lasts. It is one
 * may_goto instruction (Linux >= 6.9): the verifier lets a loop guarded by
 * it run without proving a bound, and the kernel makes it jump once the
 * program has used its budget (8M executions of may_goto per invocation;
 * with timed may_goto, x86-64 and arm64 JITs since 6.15, a quarter of a
 * second). The budget belongs to the whole invocation (one counter in the
 * program's stack frame), so a loop that runs out has not finished: the
 * caller must treat that as a failure, not as a result.
 *
 * Compilers that know the instruction (__BPF_FEATURE_MAY_GOTO, clang >= 19)
 * get it by name. Older ones (Debian 12's clang 14) get it encoded by hand
 * in an `asm goto`, the fallback the kernel selftests' bpf_experimental.h
 * uses: opcode BPF_JMP | BPF_JCOND (0xe5), src_reg BPF_MAY_GOTO (0),
 * dst_reg 0, imm 0, and the 16-bit offset in instructions from the one
 * after it to the asm goto's label. The offset is emitted with a 32-bit
 * directive masked to 16 bits, whose other half is the first half of imm:
 * clang 14's BPF assembler cannot resolve a label difference into a 16-bit
 * field. Which half comes first depends on the byte order.
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
