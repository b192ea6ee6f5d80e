/* SPDX-License-Identifier: GPL-2.0 */
/* rootbench report (bench/report/report.c): REPORT.md and summary.txt. */
#ifndef RB_REPORT_H
#define RB_REPORT_H

int cmd_report(int argc, char **argv);

#endif
