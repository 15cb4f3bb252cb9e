import { Router, type Request, type Response } from 'express';
import { actorOf, guardedRouter, publicRoute, requireRole, requireUser } from '../core/guards';
import { blankForm, formRoute } from '../core/forms';
import { clientIp, noticeOf } from '../core/request-info';
import { validate } from '../core/validate';
import type { OrganisationService } from '../organisations';
import type { TaxonomyService } from '../taxonomy';
import { capabilityFormOptions, capabilityFormValues, presentCapabilityDetail, presentCapabilitySummary } from './capabilities.presenter';
import { capabilityForm, capabilityParams } from './capabilities.schemas';
import type { CapabilityService } from './capabilities.service';

const NOTICES = new Set(['capability-published', 'capability-saved', 'capability-withdrawn']);

export function capabilitiesRoutes(deps: { capabilities: CapabilityService; organisations: OrganisationService; taxonomy: TaxonomyService }): Router {
  const { capabilities, organisations, taxonomy } = deps;
  const router = guardedRouter(Router());
  const publisherRoles = requireRole('org-admin', 'org-member');

  const formLocals = async (req: Request, res: Response) => {
    const [context, domains] = await Promise.all([capabilities.formContext(actorOf(req)), taxonomy.listDomains()]);
    const id = typeof req.params.id === 'string' ? req.params.id : null;
    return { capabilityId: id, ...capabilityFormOptions({ locale: res.locals.locale, domains, directions: context.directions, qualifications: context.qualifications }) };
  };

  router.get('/organisation/capabilities', publisherRoles, async (req, res) => {
    const [mine, domains] = await Promise.all([capabilities.listMine(actorOf(req)), taxonomy.listDomains()]);
    res.render('capabilities/mine', {
      notice: noticeOf(req, NOTICES),
      organisation: { name: mine.organisation.name, verified: mine.organisation.status === 'verified' },
      capabilities: mine.capabilities.map((capability) => presentCapabilitySummary(capability, { locale: res.locals.locale, domains })),
    });
  });

  router.get('/capabilities/new', publisherRoles, async (req, res) => {
    res.render('capabilities/form', { ...(await formLocals(req, res)), ...blankForm({ direction: 'civil-to-military' }) });
  });

  router.post(
    '/capabilities',
    publisherRoles,
    formRoute(
      'capabilities/form',
      async (req, res) => {
        const input = validate(capabilityForm, req.body);
        const capability = await capabilities.create(actorOf(req), input, clientIp(req));
        res.redirect(303, `/capabilities/${capability.id}?notice=capability-${capability.status === 'published' ? 'published' : 'saved'}`);
      },
      formLocals,
    ),
  );

  router.get('/capabilities/:id', publicRoute, async (req, res) => {
    const { id } = validate(capabilityParams, req.params);
    const [found, domains] = await Promise.all([capabilities.view(actorOf(req), id), taxonomy.listDomains()]);
    res.render('capabilities/show', { notice: noticeOf(req, NOTICES), capability: presentCapabilityDetail(found, { locale: res.locals.locale, domains, organisations }) });
  });

  router.get('/capabilities/:id/edit', publisherRoles, async (req, res) => {
    const { id } = validate(capabilityParams, req.params);
    const capability = await capabilities.editable(actorOf(req), id);
    res.render('capabilities/form', { ...(await formLocals(req, res)), ...blankForm(capabilityFormValues(capability)) });
  });

  router.post(
    '/capabilities/:id',
    publisherRoles,
    formRoute(
      'capabilities/form',
      async (req, res) => {
        const { id } = validate(capabilityParams, req.params);
        const input = validate(capabilityForm, req.body);
        const capability = await capabilities.update(actorOf(req), id, input, clientIp(req));
        res.redirect(303, `/capabilities/${capability.id}?notice=capability-${capability.status === 'published' ? 'published' : 'saved'}`);
      },
      formLocals,
    ),
  );

  router.post('/capabilities/:id/withdraw', requireUser, async (req, res) => {
    const { id } = validate(capabilityParams, req.params);
    await capabilities.withdraw(actorOf(req), id, clientIp(req));
    res.redirect(303, `/capabilities/${id}?notice=capability-withdrawn`);
  });

  return router;
}
