import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The permission and API answers resolve over several renders; a loaded CI machine needs more than 1 s.
configure({ asyncUtilTimeout: 5000 });
