/* SPDX-License-Identifier: GPL-2.0 */
/* rootbench aa (bench/aa.c): the sweep run twice, then compared. */
#ifndef RB_AA_H
#define RB_AA_H

int cmd_aa(int argc, char **argv);

#endif
