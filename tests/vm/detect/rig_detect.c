// SPDX-License-Identifier: GPL-2.0
/*
 * rig_detect - the rig's detector self-test (never shipped).
 *
 * Loading it with what=KIND commits one deliberate fault of the kind the
 * debug kernel's checkers must report, so that the rig can prove each
 * detector fails a run (tests/vm/run.sh --expect-reports):
 *   kasan         a read of a freed kmalloc object (use-after-free)
 *   lockdep       two mutexes taken in both orders (an AB-BA inversion;
 *                 never contended, so nothing deadlocks)
 *   kmemleak      a bio allocated and its only pointer dropped
 *   atomic-sleep  a sleep with a spinlock held
 * The load then fails with -EAGAIN: nothing stays loaded.
 */
#include <linux/bio.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *what = "";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "kasan, lockdep, kmemleak or atomic-sleep");

static DEFINE_MUTEX(rig_a);
static DEFINE_MUTEX(rig_b);
static DEFINE_SPINLOCK(rig_lock);

static noinline void rig_use_after_free(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	pr_info("rig_detect: read after free: %d\n", READ_ONCE(p[8]));
}

static noinline void rig_inversion(void)
{
	mutex_lock(&rig_a);
	mutex_lock(&rig_b);
	mutex_unlock(&rig_b);
	mutex_unlock(&rig_a);
	mutex_lock(&rig_b);
	mutex_lock(&rig_a);
	mutex_unlock(&rig_a);
	mutex_unlock(&rig_b);
}

static noinline void rig_leak(void)
{
	struct bio *bio = bio_kmalloc(4, GFP_KERNEL);

	pr_info("rig_detect: leaked a bio: %s\n", bio ? "yes" : "no memory");
}

static noinline void rig_sleep_atomic(void)
{
	spin_lock(&rig_lock);
	msleep(1);
	spin_unlock(&rig_lock);
}

static int __init rig_detect_init(void)
{
	if (!strcmp(what, "kasan"))
		rig_use_after_free();
	else if (!strcmp(what, "lockdep"))
		rig_inversion();
	else if (!strcmp(what, "kmemleak"))
		rig_leak();
	else if (!strcmp(what, "atomic-sleep"))
		rig_sleep_atomic();
	else
		return -EINVAL;
	return -EAGAIN;
}
module_init(rig_detect_init);

MODULE_DESCRIPTION("sg-smmap rig: deliberate faults for the debug kernel's checkers");
MODULE_LICENSE("GPL");
