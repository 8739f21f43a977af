#ifndef ROLECALL_CTESTENVIRONMENT_H
#define ROLECALL_CTESTENVIRONMENT_H

/// The SoftHSM configuration the test process's own module reads (SOFTHSM2_CONF), made and set
/// before `main`; NULL if it could not be made.
const char *rolecall_test_softhsm_configuration(void);

#endif
