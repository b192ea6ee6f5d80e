/* SPDX-License-Identifier: GPL-2.0 */
/* rootbench trigger (bench/trigger.c): the end-to-end probe hyperfine times. */
#ifndef RB_TRIGGER_H
#define RB_TRIGGER_H

int cmd_trigger(int argc, char **argv);

#endif
